/* counts.c: counts for people and scripts (tables, TSV, JSON), and
 * md-list -i's per maildir; see common.h. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"

#define COLS (MD_T_N + 1) /* -i's table: the counts, then the maildir */

static const char *const keys[MD_T_N] = { "messages", "new", "unseen",
	"flagged", "trashed", "bytes" };

void
cmd_tsv_heads(FILE *f, const char *const *names, size_t n)
{
	fputs("maildir", f);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "\t%s", names[k]);
	putc('\n', f);
}

void
cmd_tsv_counts(FILE *f, const char *path, const uint64_t *v, size_t n)
{
	cmd_put_tsv(f, path);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "\t%llu", (unsigned long long)v[k]);
	putc('\n', f);
}

void
cmd_json_counts(FILE *f, const char *path, const char *const *names,
    const uint64_t *v, size_t n)
{
	if (path != NULL) {
		fputs("\"path\":", f);
		cmd_put_json(f, path);
		putc(',', f);
	}
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s\"%s\":%llu", k > 0 ? "," : "", names[k],
		    (unsigned long long)v[k]);
}

void
cmd_table(FILE *f, const char *const *cell, size_t rows, size_t cols)
{
	size_t *w = calloc(cols, sizeof(*w));

	if (w == NULL)
		err(EX_OSERR, "calloc");
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c + 1 < cols; c++) {
			size_t len = strlen(cell[r * cols + c]);

			w[c] = len > w[c] ? len : w[c];
		}
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c + 1 < cols; c++)
			fprintf(f, "%*s  ", (int)w[c], cell[r * cols + c]);
		fprintf(f, "%s\n", cell[r * cols + cols - 1]);
	}
	free(w);
}

/* The table: a row a maildir, and their total when more than one. */
static void
tally_table(
    FILE *f, const struct cmd_tally *st, size_t n, const struct md_tally *total)
{
	static const char *const heads[COLS] = { "messages", "new", "unseen",
		"flagged", "trashed", "size", "maildir" };
	size_t rows = 1 + n + (n > 1);
	const char **cell = reallocarray(NULL, rows, sizeof(heads));
	char(*num)[32] = reallocarray(NULL, rows * MD_T_N, sizeof(*num));

	if (cell == NULL || num == NULL)
		err(EX_OSERR, "reallocarray");
	memcpy(cell, heads, sizeof(heads));
	for (size_t i = 1; i < rows; i++) {
		const struct cmd_tally *s = i <= n ? &st[i - 1] : NULL;
		const struct md_tally *t = s ? &s->t : total;

		for (int k = 0; k < MD_T_N; k++) {
			char *c = num[i * MD_T_N + k];

			if (k == MD_T_BYTES)
				md_human_size(t->v[k], c, sizeof(*num));
			else
				snprintf(c, sizeof(*num), "%llu",
				    (unsigned long long)t->v[k]);
			cell[i * COLS + k] = c;
		}
		cell[i * COLS + MD_T_N] = s ? s->path : "(total)";
	}
	cmd_table(f, cell, rows, COLS);
	free(cell);
	free(num);
}

/* A maildir (PATH), or the total (PATH null), as JSON. A maildir's
 * keywords are each its dovecot-keywords names, and each letter a
 * message has that it does not name ("name" null), with counts. */
static void
tally_json(FILE *f, const char *path, const struct md_tally *t,
    const struct md_keywords *kw)
{
	putc('{', f);
	cmd_json_counts(f, path, keys, t->v, MD_T_N);
	if (path) {
		fputs(",\"keywords\":[", f);
		for (int i = 0, first = 1; i < 26; i++) {
			if (kw->name[i] == NULL && t->kw[i] == 0)
				continue;
			fprintf(f,
			    "%s{\"letter\":\"%c\",\"name\":", first ? "" : ",",
			    'a' + i);
			if (kw->name[i] != NULL)
				cmd_put_json(f, kw->name[i]);
			else
				fputs("null", f);
			fprintf(f, ",\"messages\":%llu}",
			    (unsigned long long)t->kw[i]);
			first = 0;
		}
		putc(']', f);
	}
	putc('}', f);
}

void
cmd_tally_print(
    FILE *f, const struct cmd_tally *st, size_t n, enum cmd_form form)
{
	struct md_tally total = { 0 };

	for (size_t i = 0; i < n; i++)
		md_tally_sum(&total, &st[i].t);
	if (form == CMD_FORM_JSON) {
		fputs("{\"maildirs\":[", f);
		for (size_t i = 0; i < n; i++) {
			fputs(i > 0 ? "," : "", f);
			tally_json(f, st[i].path, &st[i].t, &st[i].kw);
		}
		fputs("],\"total\":", f);
		tally_json(f, NULL, &total, NULL);
		fputs("}\n", f);
	} else if (form == CMD_FORM_TSV) {
		cmd_tsv_heads(f, keys, MD_T_N);
		for (size_t i = 0; i < n; i++)
			cmd_tsv_counts(f, st[i].path, st[i].t.v, MD_T_N);
	} else if (n > 0)
		tally_table(f, st, n, &total);
}

struct cmd_tally *
cmd_tally_add(struct cmd_tally **st, size_t *n, const char *path)
{
	struct cmd_tally *s = cmd_array_add(st, n, sizeof(**st));

	if ((s->path = strdup(path)) == NULL)
		err(EX_OSERR, "strdup");
	return s;
}

void
cmd_tally_free(struct cmd_tally *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(st[i].path);
		md_keywords_free(&st[i].kw);
	}
	free(st);
}
