/*
 * common.h: what mdkit's programs share that is no business of the
 * library, which never prints or exits: the default maildir, a path as
 * shown in messages, the loop over paths read from stdin, and each
 * target with its folders. Programs only; never part of libmaildir.
 */
#ifndef MDKIT_COMMON_H
#define MDKIT_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h" /* mdkit's own programs may use the internals */

/* The one-line complaint for getopt_long's return C (':' or '?'), read
 * from optind and optopt: "-x: unknown option", "--size: needs an
 * argument". LONGOPTS tells a long option given an argument from an
 * unknown short one. Returns BUF. */
struct option;
const char *cmd_opt_error(int c, char *const argv[],
    const struct option *longopts, char *buf, size_t size);

/* md_flags_option(C, ARG, ON, OFF) for an option getopt gave no other
 * meaning, or one line and exit EX_USAGE. */
void cmd_flags_option(
    int c, const char *arg, struct md_flags *on, struct md_flags *off);

/* md_pick_option(P, C, ARG), or one line and exit EX_USAGE (EX_OSERR
 * on ENOMEM). */
void cmd_pick_option(struct md_pick *p, int c, char *arg);

/* S with control and other odd bytes made visible (vis(3), C style),
 * for messages: "new/a\\r", not a "new/a" that exists. Returns BUF; S is
 * cut to fit ("" when SIZE is 0). */
const char *cmd_vis(const char *s, char *buf, size_t size);

/* Output for scripts, written to F: S as a TSV field (tab, newline and
 * backslash as \t \n \\), or as a JSON string, quoted, with controls
 * escaped and each byte that is not UTF-8 as \ufffd, so that any path
 * gives valid JSON. */
void cmd_put_tsv(FILE *f, const char *s);
void cmd_put_json(FILE *f, const char *s);

/* Counts for scripts (counts.c), N of them: NAMES[k] and V[k]. A TSV heads
 * line, "maildir" and NAMES; a TSV row, PATH and V; the JSON members "path"
 * (unless PATH is NULL, as for a total) and each name with its count,
 * comma-separated, without braces. */
void cmd_tsv_heads(FILE *f, const char *const *names, size_t n);
void cmd_tsv_counts(FILE *f, const char *path, const uint64_t *v, size_t n);
void cmd_json_counts(FILE *f, const char *path, const char *const *names,
    const uint64_t *v, size_t n);

/* ROWS rows of COLS cells (CELL[r * COLS + c]) on F, the first the
 * heads: each cell but a row's last right-aligned to the widest of its
 * column, two spaces after it; the last as it is. COLS is 1 or more;
 * exits on ENOMEM. */
void cmd_table(FILE *f, const char *const *cell, size_t rows, size_t cols);

/* md-list -i: one maildir's counts, and the names of its keywords'
 * letters (for JSON). */
struct cmd_tally {
	char *path;
	struct md_tally t;
	struct md_keywords kw;
};

enum cmd_form { CMD_FORM_TABLE, CMD_FORM_TSV, CMD_FORM_JSON };

/* The counts of the N maildirs ST on F: a table, a row each and their
 * total when more than one (nothing for none); TSV, a heads line and a
 * row each; or one JSON object, the maildirs with their keywords and
 * the total. */
void cmd_tally_print(
    FILE *f, const struct cmd_tally *st, size_t n, enum cmd_form form);
/* A new tally for PATH (copied) at the end of *ST, of *N; exits on
 * ENOMEM. */
struct cmd_tally *cmd_tally_add(
    struct cmd_tally **st, size_t *n, const char *path);
/* Frees the N of ST, and ST. */
void cmd_tally_free(struct cmd_tally *st, size_t n);

/* Standard output through one large buffer written with write(2) (out.c):
 * a listing of 200,000 paths in a hundred system calls. A failed write
 * exits 1. */
#define CMD_OUT_SIZE (256 * 1024)
struct cmd_out {
	size_t len;
	char buf[CMD_OUT_SIZE];
};

/* What the buffer holds, written. */
void cmd_out_flush(struct cmd_out *o);
/* Exits: N bytes longer than the whole buffer were put. */
__attribute__((noreturn)) void cmd_out_overflow(void);

/* N bytes of P into the buffer (N at most CMD_OUT_SIZE), written first
 * when they do not fit. Inline: a listing puts three pieces a message. */
static inline void
cmd_out_put(struct cmd_out *o, const void *p, size_t n)
{
	if (o->len + n > sizeof(o->buf))
		cmd_out_flush(o);
	if (n > sizeof(o->buf))
		cmd_out_overflow();
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}
/* The buffer, then N bytes of P, written. */
void cmd_out_write(struct cmd_out *o, const void *p, size_t n);

/* Paths one a line (EOL '\n') or NUL-terminated (EOL '\0'). */
struct cmd_pathlist {
	FILE *f;
	int eol;
	char *line;
	size_t cap;
};

void cmd_pathlist_init(struct cmd_pathlist *pl, FILE *f, int eol);
/* The next path, its end removed: 1, 0 at the end, -1 with errno; EINVAL
 * when the line held a NUL byte (LINE is set; reading may go on). */
int cmd_pathlist_next(struct cmd_pathlist *pl, const char **line, size_t *len);
void cmd_pathlist_free(struct cmd_pathlist *pl);

/* A new element of SIZE bytes, zeroed, at the end of the array *ARRAY of
 * *N; exits on ENOMEM. */
void *cmd_array_add(void *array, size_t *n, size_t size);

/* Append S (not copied) to the list *LIST of *N strings; exits on
 * ENOMEM. */
void cmd_strlist_add(char ***list, size_t *n, char *s);

/* --version, the same in every program: "md-list (mdkit) 0.9.0" on
 * stdout, exit 0. */
#define CMD_OPT_VERSION 512
#define CMD_VERSION_OPTION                                                     \
	{                                                                      \
		"version", no_argument, NULL, CMD_OPT_VERSION                  \
	}
__attribute__((noreturn)) void cmd_version(void);

/* $MAILDIR, else ~/Maildir ($HOME, else the password entry's home); with
 * neither, one line on stderr and exit STATUS. */
const char *cmd_default_maildir(int status);

/* PATH with odd bytes made visible (vis(3)), so that a line of output is
 * always one path; WHICH (0 or 1) picks one of two buffers, for two
 * paths in one message. */
const char *cmd_shown(const char *path, int which);

/* "PATH: STEP: REASON" on stderr for a failure E (errno its own). */
void cmd_warn_err(const struct md_err *e);
/* cmd_warn_err, then exit STATUS. */
__attribute__((noreturn)) void cmd_die_err(const struct md_err *e, int status);

/* One line on why the message PATH (in the maildir ROOT) could not be
 * changed or moved, as md_change or md_move said in E: gone, a
 * directory, or the system's reason. */
void cmd_warn_message(
    const char *path, const char *root, const struct md_err *e);

/* md_msgpath_parse(PATH) into MP, or one line on why PATH names no
 * message in a maildir and -1. */
struct cmd_progress;
int cmd_msgpath(
    const char *path, struct md_msgpath *mp, struct cmd_progress *pg);

/* One line on why PATH could not be used as a maildir, as
 * md_maildir_check said in E: "PATH: not a maildir (no PATH/tmp)", or
 * the system's reason. */
void cmd_warn_maildir(const char *path, const struct md_err *e);

/*
 * FN(ARG, PATH) for each path read from stdin, one a line (EOL '\n' or
 * '\0'). A line with a NUL byte is told and passed over, and so is an
 * empty one unless SKIP_EMPTY; a read error ends the loop. Returns 0,
 * or 1 when any line or FN failed (FN returns non-zero).
 */
int cmd_stdin_paths(
    int eol, int skip_empty, int (*fn)(void *arg, const char *path), void *arg);

/* Does stdin bring paths: a pipe, file or socket? A terminal or
 * /dev/null (as cron gives) does not. */
int cmd_stdin_has_paths(void);

/*
 * Each target, then its folders with --recursive (walk.c): the one rule
 * of every program that walks maildirs. Whoever meets a failure tells
 * it on one line and the walk goes on; FAILED says, at the end, that
 * something failed, for the program's exit status.
 *
 * FN(ARG, PATH, FOLDER) does the maildir PATH (FOLDER: --recursive
 * found it as a folder) and returns CMD_WALK_OK; CMD_WALK_FAILED when
 * something in it failed (its folders still follow); or
 * CMD_WALK_UNUSABLE when it could not be used at all (no maildir, not
 * readable): its folders then follow only when PATH is itself a
 * folder, whose subfolders may exist without it.
 */
enum { CMD_WALK_OK, CMD_WALK_FAILED, CMD_WALK_UNUSABLE };

struct cmd_walk {
	int recursive;
	int (*fn)(void *arg, const char *path, int folder);
	void *arg;
	int failed;
};

/* md_target_path(ARG) into PATH, or -1 said on stderr. */
int cmd_target(const char *arg, char *path, size_t size);

/* ARG a maildir path, or a folder name of the default maildir. */
void cmd_walk_arg(struct cmd_walk *w, const char *arg);

/* The maildir PATH; FOLDER: it is a Maildir++ folder (else its name
 * tells). */
void cmd_walk_path(struct cmd_walk *w, const char *path, int folder);

/*
 * The progress line of work that can take longer than a few seconds, on
 * stderr when it is a terminal and the user did not ask for quiet (-q):
 * shown once the work has lasted a second, redrawn at most four times a
 * second and cut to the terminal's width, cleared before any other line
 * and at the end (progress.c).
 * LABEL (a path) is shown as cmd_shown() shows it, and only when the
 * line is drawn: calling these for every message costs little.
 */
struct cmd_progress {
	int on;             /* stderr is a terminal, and no -q */
	int shown;          /* a line is on the terminal now */
	size_t width;       /* the terminal's columns */
	struct timespec t0; /* when the work began */
	double last;        /* when the line was last drawn, since T0 */
};

/* Decides whether progress is shown (not with QUIET) and starts. */
void cmd_progress_init(struct cmd_progress *p, int quiet);
/* The clock again, for the next piece of work (a maildir). */
void cmd_progress_start(struct cmd_progress *p);
/* "LABEL: DONE/TOTAL WHAT, RATE/s, N s left" (TOTAL 0: not known, and
 * neither is the time left). */
void cmd_progress_count(struct cmd_progress *p, const char *label,
    const char *what, uint64_t done, uint64_t total);
/* "LABEL: N WHAT, BYTES/TOTAL, RATE/s, N s left", sizes for people,
 * the time left from the bytes (TOTAL 0: not known). */
void cmd_progress_bytes(struct cmd_progress *p, const char *label,
    const char *what, uint64_t n, uint64_t bytes, uint64_t total);
/* Wipes the line, if one is shown. */
void cmd_progress_clear(struct cmd_progress *p);

#endif
