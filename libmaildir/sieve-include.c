/*
 * sieve-include.c: include (RFC 6609) at compile time. A script's
 * includes are resolved when it is compiled, as Pigeonhole does: each
 * named script is read from the personal or the global directory,
 * compiled and checked, and its own includes resolved in turn, all into
 * one table the including script owns. Loops, depth and count are
 * caught here, so a run never meets a script it cannot find. Also the
 * global command's variables, copied between a script's own variables
 * and the shared ones when an include begins and ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"

struct md_sieve_unit {
	char *path;
	dev_t dev;
	ino_t ino;
	struct md_sieve_script s;
};

struct md_sieve_incl {
	struct md_sieve_unit *u[MD_SIEVE_INCLUDES];
	size_t n;
};

struct linker {
	struct md_sieve_incl *t;
	const struct md_sieve_dirs *dirs;
	struct md_sieve_err *e;
	struct { /* the scripts including, outermost first */
		dev_t dev;
		ino_t ino;
	} stack[MD_SIEVE_INCLUDE_DEPTH + 1];
	size_t depth;
};

void
md_sieve_incl_free(struct md_sieve_incl *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		md_sieve_free(&t->u[i]->s);
		free(t->u[i]->path);
		free(t->u[i]);
	}
	free(t);
}

/* A script's name, not a path (RFC 6609 3.2, RFC 5804 1.6): no '/',
 * not "." or "..", no control characters. */
static int
valid_name(const char *s, size_t len)
{
	if (len == 0 || strlen(s) != len || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/' || (unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* An error of KIND at N of the script FILE ("" the one compiled). */
static int
fail_at(struct linker *l, const char *file, const struct md_sieve_node *n,
    const char *fmt, const char *what)
{
	md_sieve_errf(l->e, MD_SIEVE_INVALID, n->line, n->col, fmt, what);
	strlcpy(l->e->file, file, sizeof(l->e->file));
	return -1;
}

static int
limit_at(struct linker *l, const char *file, const struct md_sieve_node *n,
    const char *fmt, int limit)
{
	md_sieve_errf(l->e, MD_SIEVE_LIMIT, n->line, n->col, fmt, limit);
	strlcpy(l->e->file, file, sizeof(l->e->file));
	return -1;
}

static int link_nodes(
    struct linker *l, const char *file, struct md_sieve_node *v, size_t n);

/* Compile the script at PATH (ST its file) into the table as unit *AT;
 * its includes in turn. */
static int
add_unit(struct linker *l, const char *path, const struct stat *st, size_t *at)
{
	struct md_sieve_unit *u = calloc(1, sizeof(*u));
	int rc;

	if (u == NULL || (u->path = strdup(path)) == NULL) {
		free(u);
		return md_sieve_errf(l->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	}
	u->dev = st->st_dev;
	u->ino = st->st_ino;
	*at = l->t->n;
	l->t->u[l->t->n++] = u;
	if (md_sieve_compile_file(
	        &u->s, path, l->dirs ? l->dirs->cache : NULL, l->e) < 0) {
		strlcpy(l->e->file, path, sizeof(l->e->file));
		return -1;
	}
	l->stack[++l->depth].dev = st->st_dev;
	l->stack[l->depth].ino = st->st_ino;
	rc = link_nodes(l, path, u->s.cmds, u->s.ncmds);
	l->depth--;
	return rc;
}

/* The include N of the script FILE: its script found, and compiled
 * unless it already is. */
static int
link_one(struct linker *l, const char *file, struct md_sieve_node *n)
{
	const struct md_sieve_arg *a = n->spec.pos[0];
	int global = (n->spec.x->incl & MD_INC_GLOBAL) != 0;
	const char *dir = l->dirs == NULL ? NULL
	                  : global        ? l->dirs->global
	                                  : l->dirs->personal;
	char path[PATH_MAX];
	struct stat st;
	size_t at;

	if (!valid_name(a->s[0], a->len[0]))
		return fail_at(
		    l, file, n, "include: '%s' is no script name", a->s[0]);
	if (dir == NULL)
		return fail_at(l, file, n, "include: no %s script directory",
		    global ? "global" : "personal");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.sieve", dir, a->s[0]) >=
	    sizeof(path))
		return fail_at(
		    l, file, n, "include: '%s': name too long", a->s[0]);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && (n->spec.x->incl & MD_INC_OPTIONAL))
			return 0; /* n->spec.x->unit stays 0: nothing to run */
		snprintf(path, sizeof(path), "%s script '%s'",
		    global ? "global" : "personal", a->s[0]);
		return fail_at(l, file, n, "include: %s: not there", path);
	}
	for (size_t i = 0; i <= l->depth; i++)
		if (l->stack[i].dev == st.st_dev &&
		    l->stack[i].ino == st.st_ino)
			return fail_at(l, file, n,
			    "include: '%s' is being run already (a loop)",
			    a->s[0]);
	for (at = 0; at < l->t->n; at++)
		if (l->t->u[at]->dev == st.st_dev &&
		    l->t->u[at]->ino == st.st_ino)
			break;
	if (at == l->t->n && l->depth >= MD_SIEVE_INCLUDE_DEPTH)
		return limit_at(l, file, n, "include: nested deeper than %d",
		    MD_SIEVE_INCLUDE_DEPTH);
	if (at == l->t->n && l->t->n >= MD_SIEVE_INCLUDES)
		return limit_at(l, file, n, "include: more than %d scripts",
		    MD_SIEVE_INCLUDES);
	if (at == l->t->n && add_unit(l, path, &st, &at) < 0)
		return -1;
	n->spec.x->unit = at + 1;
	return 0;
}

static int
link_nodes(
    struct linker *l, const char *file, struct md_sieve_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].spec.id == MD_SV_INCLUDE &&
		    link_one(l, file, &v[i]) < 0)
			return -1;
		if (link_nodes(l, file, v[i].block, v[i].nblock) < 0)
			return -1;
	}
	return 0;
}

int
md_sieve_compile_dirs(struct md_sieve_script *s, const char *path,
    const struct md_sieve_dirs *dirs, struct md_sieve_err *e)
{
	struct linker l = { .dirs = dirs, .e = e };
	struct stat st;

	if (md_sieve_compile_file(s, path, dirs ? dirs->cache : NULL, e) < 0)
		return -1;
	if (!(s->caps & MD_CAP_INCLUDE))
		return 0;
	if ((l.t = calloc(1, sizeof(*l.t))) == NULL) {
		md_sieve_free(s);
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	}
	s->incl = l.t;
	if (stat(path, &st) == 0) {
		l.stack[0].dev = st.st_dev;
		l.stack[0].ino = st.st_ino;
	}
	if (link_nodes(&l, "", s->cmds, s->ncmds) < 0) {
		md_sieve_free(s);
		return -1;
	}
	return 0;
}

const struct md_sieve_script *
md_sieve_included(const struct md_sieve_script *s,
    const struct md_sieve_node *n, const char **path)
{
	const struct md_sieve_unit *u;

	if (s->incl == NULL || n->spec.x->unit == 0 ||
	    n->spec.x->unit > s->incl->n)
		return NULL;
	u = s->incl->u[n->spec.x->unit - 1];
	*path = u->path;
	return &u->s;
}

/* The global names below V (N nodes), each copied FROM to TO. */
static int
copy_nodes(const struct md_sieve_node *v, size_t n, struct md_sieve_vars *from,
    struct md_sieve_vars *to)
{
	char ref[80];

	for (size_t i = 0; i < n; i++) {
		const struct md_sieve_arg *a = v[i].spec.pos[0];

		for (size_t k = 0; v[i].spec.id == MD_SV_GLOBAL && k < a->n;
		     k++) {
			const char *val;

			snprintf(ref, sizeof(ref), "${%s}", a->s[k]);
			if ((val = md_sieve_expand(from, ref)) == NULL ||
			    md_sieve_set(to, a->s[k], val, 0) < 0)
				return -1;
			md_sieve_vars_reset(from);
		}
		if (copy_nodes(v[i].block, v[i].nblock, from, to) < 0)
			return -1;
	}
	return 0;
}

int
md_sieve_globals_copy(const struct md_sieve_script *s,
    struct md_sieve_vars *from, struct md_sieve_vars *to)
{
	return copy_nodes(s->cmds, s->ncmds, from, to);
}

/* ---- global declared after a local use (RFC 6609 3.3) ---- */

struct globals {
	const char *name[MD_SIEVE_VARS]; /* declared global in the script */
	unsigned char used[MD_SIEVE_VARS], declared[MD_SIEVE_VARS];
	size_t n;
	struct md_sieve_err *e;
};

static int
collect(struct globals *g, const struct md_sieve_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct md_sieve_arg *a = v[i].spec.pos[0];

		for (size_t k = 0; v[i].spec.id == MD_SV_GLOBAL && k < a->n;
		     k++) {
			size_t j = 0;

			while (j < g->n && strcasecmp(g->name[j], a->s[k]) != 0)
				j++;
			if (j < g->n)
				continue;
			if (g->n == MD_SIEVE_VARS)
				return md_sieve_errf(g->e, MD_SIEVE_LIMIT,
				    a->line, a->col,
				    "more than %d global variables",
				    MD_SIEVE_VARS);
			g->name[g->n++] = a->s[k];
		}
		if (collect(g, v[i].block, v[i].nblock) < 0)
			return -1;
	}
	return 0;
}

/* The global name of LEN bytes at S is used: noted unless declared. */
static void
use(struct globals *g, const char *s, size_t len)
{
	for (size_t j = 0; j < g->n; j++)
		if (strlen(g->name[j]) == len &&
		    strncasecmp(g->name[j], s, len) == 0 && !g->declared[j])
			g->used[j] = 1;
}

/* The "${name}" references in S. */
static void
use_refs(struct globals *g, const char *s)
{
	for (const char *p = strstr(s, "${"); p; p = strstr(p + 2, "${")) {
		const char *end = strchr(p + 2, '}');

		if (end != NULL)
			use(g, p + 2, (size_t)(end - p - 2));
	}
}

/* V in the order it is written: a use of a name before its global is
 * the fault. */
static int
walk(struct globals *g, const struct md_sieve_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct md_sieve_node *c = &v[i];
		const struct md_sieve_arg *a = c->spec.pos[0];

		for (size_t k = 0; c->spec.id == MD_SV_GLOBAL && k < a->n; k++)
			for (size_t j = 0; j < g->n; j++)
				if (strcasecmp(g->name[j], a->s[k]) == 0) {
					if (g->used[j])
						return md_sieve_errf(g->e,
						    MD_SIEVE_INVALID, a->line,
						    a->col,
						    "global '%s' after the "
						    "script used it",
						    a->s[k]);
					g->declared[j] = 1;
				}
		if (c->spec.id == MD_SV_SET)
			use(g, a->s[0], a->len[0]);
		for (size_t k = 0; c->spec.id != MD_SV_GLOBAL && k < c->nargs;
		     k++)
			for (size_t j = 0; c->args[k].kind == MD_ARG_STRINGS &&
			                   j < c->args[k].n;
			     j++)
				use_refs(g, c->args[k].s[j]);
		if (walk(g, c->tests, c->ntests) < 0 ||
		    walk(g, c->block, c->nblock) < 0)
			return -1;
	}
	return 0;
}

int
md_sieve_check_globals(const struct md_sieve_script *s, struct md_sieve_err *e)
{
	struct globals *g = calloc(1, sizeof(*g));
	int rc;

	if (g == NULL)
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	g->e = e;
	rc = collect(g, s->cmds, s->ncmds);
	if (rc == 0 && g->n > 0)
		rc = walk(g, s->cmds, s->ncmds);
	free(g);
	return rc;
}
