/* Unit tests for sieve-send.c and the checks of duplicate and vacation:
 * their tags, duplicate over records of a maildir (seen, :handle,
 * :uniqueid, :header, :last, no id), vacation's parameters and periods,
 * the rules that keep a reply from going, and the reply itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>

#include "scratch.h"

#define NOW 2000000000

static const char msg[] = "From: Carol <carol@example.net>\n"
                          "To: alice@example.org, Bob <bob@example.org>\n"
                          "Subject: hi there\n"
                          "Message-ID: <m1@example.net>\n"
                          "References: <m0@example.net>\n"
                          "X-Ticket: T-42\n"
                          "\n"
                          "body\n";

/* SRC over TEXT with the records of ROOT: the result into R; 0, or -1
 * with the error's message in E. */
static int
run(const char *src, const char *text, const char *root,
    struct md_sieve_result *r, struct md_sieve_err *e)
{
	struct md_sieve_script s;
	struct md_header h;
	struct md_decoder d;
	struct md_sieve_msg m = { .h = &h,
		.d = &d,
		.from = "carol@example.net",
		.to = "alice@example.org",
		.state = root,
		.now = NOW };
	int rc;

	memset(r, 0, sizeof(*r));
	md_header_init(&h);
	md_decoder_init(&d);
	assert_int_equal(md_header_parse(&h, text, strlen(text)), 0);
	if ((rc = md_sieve_compile(&s, src, strlen(src), e)) == 0) {
		if ((rc = md_sieve_run(&s, &m, r, e)) == -1)
			md_sieve_result_free(r);
		md_sieve_free(&s);
	}
	md_header_free(&h);
	md_decoder_free(&d);
	return rc;
}

static void
check_tags(void **state)
{
	struct md_sieve_result r;
	struct md_sieve_err e;

	(void)state;
	assert_int_equal(run("if duplicate { keep; }", msg, NULL, &r, &e), -1);
	assert_string_equal(e.msg, "'duplicate' needs its extension required");
	assert_int_equal(run("require \"duplicate\"; if duplicate :header "
	                     "\"x\" :uniqueid \"y\" { keep; }",
	                     msg, NULL, &r, &e),
	    -1);
	assert_non_null(strstr(e.msg, "conflicts"));
	assert_int_equal(run("require \"duplicate\"; if duplicate :seconds "
	                     "\"x\" { keep; }",
	                     msg, NULL, &r, &e),
	    -1);
	assert_string_equal(e.msg, "':seconds' needs a number after it");
	/* :seconds for vacation only with vacation-seconds. */
	assert_int_equal(run("require \"vacation\"; vacation :seconds 5 \"x\";",
	                     msg, NULL, &r, &e),
	    -1);
	assert_int_equal(run("require \"vacation-seconds\"; vacation :days 1 "
	                     ":seconds 5 \"x\";",
	                     msg, NULL, &r, &e),
	    -1);
	assert_int_equal(run("require \"vacation\"; vacation \"x\"; "
	                     "vacation \"y\";",
	                     msg, NULL, &r, &e),
	    -1);
	assert_string_equal(e.msg, "vacation twice in one run");
	/* Addresses are checked as the script compiles, unless a variable
	 * makes them (md-deliver checks those as it sends). */
	assert_int_equal(run("redirect \"bob\";", msg, NULL, &r, &e), -1);
	assert_string_equal(e.msg, "redirect address 'bob' is not one address");
	assert_int_equal(run("require \"variables\"; set \"a\" \"bob\"; "
	                     "redirect \"${a}\";",
	                     msg, NULL, &r, &e),
	    0);
	md_sieve_result_free(&r);
	assert_int_equal(run("require \"vacation\"; vacation :from \"Me "
	                     "<me@x.org>, you@x.org\" \"x\";",
	                     msg, NULL, &r, &e),
	    -1);
	assert_int_equal(run("require [\"vacation\", \"reject\"]; "
	                     "vacation \"x\"; reject \"no\";",
	                     msg, NULL, &r, &e),
	    -1);
}

/* What a duplicate test over MSG decides with the records of ROOT, the
 * records the run asks for then made as md-deliver makes them. */
static int
dup_test(const char *test, const char *text, const char *root)
{
	char src[512];
	struct md_sieve_result r;
	struct md_sieve_err e;
	int seen;

	snprintf(src, sizeof(src),
	    "require [\"duplicate\", \"fileinto\"]; if %s { fileinto \"D\"; }",
	    test);
	assert_int_equal(run(src, text, root, &r, &e), 0);
	seen = r.a[0].kind == MD_ACT_FILEINTO;
	for (size_t i = 0; i < r.ntrack; i++)
		assert_true(
		    md_sieve_state_mark(root, r.track[i].name,
		        (int64_t)r.track[i].secs, NOW, r.track[i].renew) >= 0);
	md_sieve_result_free(&r);
	return seen;
}

static void
duplicate(void **state)
{
	char root[PATH_MAX];
	struct md_sieve_result r;
	struct md_sieve_err e;

	(void)state;
	scratch_maildir(root, sizeof(root), "dup");
	assert_false(dup_test("duplicate", msg, root));
	assert_true(dup_test("duplicate", msg, root));
	assert_true(dup_test("duplicate :header \"message-id\"", msg, root));
	assert_false(dup_test("duplicate :handle \"h\"", msg, root));
	assert_true(dup_test("duplicate :handle \"h\"", msg, root));
	assert_false(dup_test("duplicate :header \"x-ticket\"", msg, root));
	assert_true(dup_test("duplicate :header \"X-Ticket\"", msg, root));
	/* An id is an id, from a header or given: one record. */
	assert_true(dup_test("duplicate :uniqueid \"T-42\"", msg, root));
	assert_false(dup_test("duplicate :uniqueid \"k1\"", msg, root));
	assert_true(dup_test("duplicate :uniqueid \"k1\"", msg, root));
	/* No Message-ID: never a duplicate, nothing recorded. */
	assert_false(dup_test("duplicate", "Subject: x\n\nb\n", root));
	assert_false(dup_test("duplicate", "Subject: x\n\nb\n", root));
	/* Without a maildir to read, nothing was seen (md-sieve -t). */
	assert_int_equal(run("require \"duplicate\"; if duplicate { discard; }",
	                     msg, NULL, &r, &e),
	    0);
	assert_int_equal(r.a[0].kind, MD_ACT_KEEP);
	assert_int_equal(r.ntrack, 1);
	assert_int_equal(r.track[0].secs, MD_DUPLICATE_SECS);
	md_sieve_result_free(&r);
	/* :seconds as asked, never above the most; :last renews a seen one. */
	assert_int_equal(run("require \"duplicate\"; if duplicate :seconds 60 "
	                     ":last { discard; }",
	                     msg, root, &r, &e),
	    0);
	assert_int_equal(r.a[0].kind, MD_ACT_DISCARD);
	assert_int_equal(r.ntrack, 1);
	assert_int_equal(r.track[0].secs, 60);
	assert_int_equal(r.track[0].renew, 1);
	md_sieve_result_free(&r);
	assert_int_equal(run("require \"duplicate\"; if duplicate :seconds "
	                     "99999999 { discard; }",
	                     msg, root, &r, &e),
	    0);
	assert_int_equal(r.ntrack, 0); /* seen, no :last: nothing to do */
	md_sieve_result_free(&r);
	assert_int_equal(run("require \"duplicate\"; if duplicate :handle "
	                     "\"n\" :seconds 99999999 { discard; }",
	                     msg, root, &r, &e),
	    0);
	assert_int_equal(r.ntrack, 1);
	assert_int_equal(r.track[0].secs, MD_DUPLICATE_MAX);
	md_sieve_result_free(&r);
}

/* The vacation of SRC over MSG: its action (freed by the caller). */
static struct md_sieve_result
vac(const char *src)
{
	struct md_sieve_result r;
	struct md_sieve_err e;

	assert_int_equal(run(src, msg, NULL, &r, &e), 0);
	assert_int_equal(r.a[0].kind, MD_ACT_VACATION);
	assert_non_null(r.a[0].vac);
	return r;
}

static void
periods(void **state)
{
	struct md_sieve_result r;

	(void)state;
	r = vac("require \"vacation\"; vacation \"x\";");
	assert_int_equal(r.a[0].vac->secs, 7 * 86400);
	assert_int_equal(r.a[1].kind, MD_ACT_KEEP); /* keep stands */
	md_sieve_result_free(&r);
	r = vac("require \"vacation\"; vacation :days 3 \"x\";");
	assert_int_equal(r.a[0].vac->secs, 3 * 86400);
	md_sieve_result_free(&r);
	r = vac("require \"vacation\"; vacation :days 0 \"x\";");
	assert_int_equal(r.a[0].vac->secs, MD_VACATION_MIN);
	md_sieve_result_free(&r);
	r = vac("require \"vacation-seconds\"; vacation :seconds 10 \"x\";");
	assert_int_equal(r.a[0].vac->secs, MD_VACATION_MIN);
	md_sieve_result_free(&r);
	r = vac("require \"vacation\"; vacation :days 99999 \"x\";");
	assert_int_equal(r.a[0].vac->secs, MD_VACATION_MAX);
	md_sieve_result_free(&r);
	r = vac("require [\"vacation\", \"variables\"]; set \"s\" \"on leave\";"
	        "vacation :subject \"I am ${s}\" :from \"me@x.org\" :handle "
	        "\"h1\" :addresses [\"a@x.org\", \"b@x.org\"] :mime "
	        "\"${s}\";");
	assert_string_equal(r.a[0].arg, "on leave");
	assert_string_equal(r.a[0].vac->subject, "I am on leave");
	assert_string_equal(r.a[0].vac->from, "me@x.org");
	assert_string_equal(r.a[0].vac->handle, "h1");
	assert_int_equal(r.a[0].vac->naddrs, 2);
	assert_string_equal(r.a[0].vac->addrs[1], "b@x.org");
	assert_int_equal(r.a[0].vac->mime, 1);
	md_sieve_result_free(&r);
}

/* Why vacation V would not answer MSG with FIELD added (NULL: it would). */
static const char *
refusal(const char *field, const char *sender, const char *recipient,
    const struct md_sieve_vacation *v)
{
	static char text[1024];
	static struct md_header h;
	const char *why;

	snprintf(text, sizeof(text), "%s%s", field, msg);
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, text, strlen(text)), 0);
	why = md_sieve_vacation_refusal(&h, sender, recipient, v);
	md_header_free(&h);
	return why;
}

static void
refusals(void **state)
{
	struct md_sieve_result r = vac(
	    "require \"vacation\"; vacation :addresses \"al@x.org\" \"x\";");
	const struct md_sieve_vacation *v = r.a[0].vac;
	const char *c = "carol@example.net", *a = "alice@example.org";

	(void)state;
	assert_null(refusal("", c, a, v));
	assert_null(refusal("", c, "<Alice@Example.ORG>", v));
	assert_null(refusal("Auto-Submitted: no\n", c, a, v));
	assert_null(refusal("Precedence: first-class\n", c, a, v));
	assert_non_null(refusal("", NULL, a, v));
	assert_non_null(refusal("", "", a, v));
	assert_non_null(refusal("", "MAILER-DAEMON@example.net", a, v));
	assert_non_null(refusal("", "owner-list@example.net", a, v));
	assert_non_null(refusal("", "list-request@example.net", a, v));
	assert_non_null(refusal("", "LISTSERV@example.net", a, v));
	assert_non_null(refusal("", "alice@example.org", a, v));
	assert_non_null(refusal("", "al@x.org", a, v));
	assert_non_null(refusal("Auto-Submitted: auto-replied\n", c, a, v));
	assert_non_null(refusal("List-Id: <l.example>\n", c, a, v));
	assert_non_null(refusal("List-Unsubscribe: <mailto:u@x>\n", c, a, v));
	assert_non_null(refusal("Precedence: Bulk\n", c, a, v));
	assert_non_null(refusal("Precedence: junk\n", c, a, v));
	assert_non_null(
	    refusal("X-Auto-Response-Suppress: DR, OOF\n", c, a, v));
	/* Not addressed to the recipient, by name or by :addresses. */
	assert_non_null(refusal("", c, "zed@example.org", v));
	assert_non_null(refusal("", c, NULL, v));
	assert_null(refusal("Cc: Al <al@x.org>\n", c, "zed@example.org", v));
	assert_null(
	    refusal("Resent-To: zed@example.org\n", c, "zed@example.org", v));
	md_sieve_result_free(&r);
}

static void
reply(void **state)
{
	struct md_sieve_result r;
	struct md_header h;
	char *out, name[256], other[256];

	(void)state;
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
	r = vac("require \"vacation\"; vacation \"Away.\";");
	out = md_sieve_vacation_reply(r.a[0].vac, r.a[0].arg, &h,
	    "carol@example.net", "alice@example.org", NOW);
	assert_non_null(out);
	assert_non_null(strstr(out, "From: <alice@example.org>\n"));
	assert_non_null(strstr(out, "To: <carol@example.net>\n"));
	assert_non_null(strstr(out, "Subject: Auto: hi there\n"));
	assert_non_null(strstr(out, "In-Reply-To: <m1@example.net>\n"));
	assert_non_null(
	    strstr(out, "References: <m0@example.net> <m1@example.net>\n"));
	assert_non_null(strstr(out, "Auto-Submitted: auto-replied"));
	assert_non_null(strstr(out, "Date: Wed, 18 May 2033 03:33:20 +0000\n"));
	assert_non_null(
	    strstr(out, "charset=utf-8\n"
	                "Content-Transfer-Encoding: 8bit\n\nAway.\n"));
	free(out);
	/* One record per sender, whatever the case of its address. */
	assert_int_equal(md_sieve_vacation_record(r.a[0].vac, r.a[0].arg,
	                     "<Carol@Example.NET>", name, sizeof(name)),
	    0);
	assert_int_equal(md_sieve_vacation_record(r.a[0].vac, r.a[0].arg,
	                     "carol@example.net", other, sizeof(other)),
	    0);
	assert_string_equal(name, other);
	assert_int_equal(md_sieve_vacation_record(r.a[0].vac, "Another text.",
	                     "carol@example.net", other, sizeof(other)),
	    0);
	assert_string_not_equal(name, other);
	md_sieve_result_free(&r);
	/* A subject of the script's, non-ASCII, as RFC 2047 words; a line
	 * break in it is no header line of its own. */
	r = vac("require \"vacation\"; vacation :subject \"Abwesend \xc3\xbc\" "
	        ":from \"Me <me@x.org>\r\nBcc: evil@x\" :mime "
	        "\"Content-Type: text/plain\n\nAway.\";");
	out = md_sieve_vacation_reply(r.a[0].vac, r.a[0].arg, &h,
	    "carol@example.net", "alice@example.org", NOW);
	assert_non_null(strstr(out, "Subject: =?utf-8?b?QWJ3ZXNlbmQgw7w=?=\n"));
	assert_non_null(strstr(out, "From: Me <me@x.org>  Bcc: evil@x\n"));
	assert_null(strstr(out, "\nBcc:"));
	assert_non_null(strstr(out, "MIME-Version: 1.0\nContent-Type: "
	                            "text/plain\n\nAway.\n"));
	free(out);
	md_sieve_result_free(&r);
	md_header_free(&h);
}

/* md_sendmail: HEAD, then the file less its Return-Path line, on the
 * program's stdin; its status; a program that hangs ended by the alarm. */
static void
sendmail(void **state)
{
	char file[PATH_MAX], out[PATH_MAX], cmd[PATH_MAX + 16], buf[256];
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	const char *none[] = { "/nonexistent/sendmail", NULL };
	int fd, n;

	(void)state;
	scratch_path(file, sizeof(file), scratch, "sm-in");
	scratch_path(out, sizeof(out), scratch, "sm-out");
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(
	    write(fd, "return-path: <a@b>\nSubject: x\n\nb\n", 34), 34);
	snprintf(cmd, sizeof(cmd), "cat >'%s'", out);
	assert_int_equal(
	    md_sendmail(argv, "X-H: 1\n", fd, "Return-Path:", 0), 0);
	close(fd);
	fd = open(out, O_RDONLY);
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "X-H: 1\nSubject: x\n\nb\n");
	strlcpy(cmd, "cat >/dev/null; exit 75", sizeof(cmd));
	assert_int_equal(md_sendmail(argv, "x\n", -1, NULL, 0), 75);
	assert_int_equal(md_sendmail(none, "x\n", -1, NULL, 0), 127);
	strlcpy(cmd, "exec sleep 30", sizeof(cmd));
	assert_int_equal(md_sendmail(argv, NULL, -1, NULL, 1), 128 + SIGALRM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_tags),
		cmocka_unit_test(duplicate),
		cmocka_unit_test(periods),
		cmocka_unit_test(refusals),
		cmocka_unit_test(reply),
		cmocka_unit_test(sendmail),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
