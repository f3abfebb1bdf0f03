/* walk.c: each target, then its folders with --recursive; see common.h. */
#include <err.h>
#include <errno.h>
#include <sysexits.h>

#include "common.h"

int
cmd_target(const char *arg, char *path, size_t size)
{
	if (md_target_path(arg, path, size) == 0)
		return 0;
	warn("%s", cmd_shown(arg, 0));
	return -1;
}

void
cmd_walk_path(struct cmd_walk *w, const char *path, int folder)
{
	char **list;
	size_t n;
	int rc = w->fn(w->arg, path, 0);

	if (rc != CMD_WALK_OK)
		w->failed = 1;
	if (!w->recursive)
		return;
	/* A folder's subfolders stand beside it (Maildir++ is flat), and
	 * may be there when it is not; a maildir's cannot. */
	if (rc == CMD_WALK_UNUSABLE && !folder && !md_folder_is(path))
		return;
	if (md_target_folders(path, folder, &list, &n) == -1) {
		if (errno == ENOMEM)
			err(EX_OSERR, "%s", cmd_shown(path, 0));
		/* One line a failure: PATH's own was told already. */
		if (rc != CMD_WALK_UNUSABLE)
			warn("%s", cmd_shown(path, 0));
		w->failed = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (w->fn(w->arg, list[i], 1) != CMD_WALK_OK)
			w->failed = 1;
	md_strings_free(list, n);
}

void
cmd_walk_arg(struct cmd_walk *w, const char *arg)
{
	char path[PATH_MAX];

	if (cmd_target(arg, path, sizeof(path)) == -1)
		w->failed = 1;
	else
		cmd_walk_path(w, path, 0);
}
