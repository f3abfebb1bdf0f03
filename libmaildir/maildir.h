/*
 * libmaildir: lock-free Maildir primitives for mdkit; this is the public
 * interface, what a program outside mdkit builds on (installed, with
 * man libmaildir(3)). internal.h adds what only the library, mdkit's
 * programs and its tests use.
 *
 * The library never prints, never exits and never locks. Calls that can
 * fail return -1 with errno set; those taking a struct md_err also say
 * what kind of failure it was and which step failed on which path, so a
 * program can decide, and print one clear line.
 */
#ifndef MAILDIR_H
#define MAILDIR_H

#include <iconv.h>
#include <limits.h>
#ifndef PATH_MAX /* a strict -std=c11 without POSIX's feature macros */
#include <linux/limits.h>
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* What failed, set where it fails (as qmail classifies each failure at
 * its point) and read by the program that decides what it means: an exit
 * status, a message, going on. Only the permanent kinds are the input's
 * fault; everything else an admin can fix, and an MTA must retry. */
enum md_err_kind {
	MD_ERR_SYSTEM,      /* a system call failed; errno says why */
	MD_ERR_NOT_MAILDIR, /* the path has no tmp/, new/ or cur/ */
	MD_ERR_GONE,        /* the message is in neither new/ nor cur/ now */
	MD_ERR_NOT_MESSAGE, /* a directory where a message was named */
	MD_ERR_SYMLINK,     /* a symbolic link where a file was, not followed */
	MD_ERR_NO_CACHE,    /* the maildir has no header cache */
	MD_ERR_DAMAGED,     /* a cache that fails its checks */
	MD_ERR_TIMEOUT,     /* no input for the time allowed */
	MD_ERR_LOOP,        /* permanent: the message has our Delivered-To */
	MD_ERR_TOO_BIG,     /* permanent: larger than the size limit */
	MD_ERR_KEYWORD      /* a keyword the target's dovecot-keywords lacks */
};

/* Where a failed call failed: its kind, a short verb for messages (never
 * to be compared: kind is what decides) and the path it acted on. */
struct md_err {
	enum md_err_kind kind;
	const char *step;
	char path[PATH_MAX];
};

/* Is a failure of KIND the input's own, so that a retry cannot help? */
int md_err_permanent(enum md_err_kind kind);

/* ---- name.c: unique names and the parts of a message file name ---- */

/* Per-process state for unique names (the Q counter and the host part);
 * a child after fork(2) must call md_namegen_init again. */
struct md_namegen {
	pid_t pid;
	unsigned long count;
	uint64_t seed;
	char host[128];
};

int md_namegen_init(struct md_namegen *g);
/* Escape a host name for a file name: '/' ':' ',' and controls as \ooo. */
int md_host_escape(const char *host, char *out, size_t size);
/* <sec>.M<usec>P<pid>Q<n>R<random hex>.<host> */
int md_name_unique(struct md_namegen *g, char *buf, size_t size);
/* Length of the base: everything before the first ':'. */
size_t md_name_baselen(const char *name);
/* Read ",S=n" (key 'S') or ",W=n" from the base; -1/ENOENT if absent. */
int md_name_field(const char *name, char key, uint64_t *value);

/* ---- flags.c: flag sets and the ":2,FLAGS[,tail]" info part ---- */

/* A set of flag bytes; iteration order is ASCII order. */
struct md_flags {
	uint64_t bits[4];
};

enum md_info_kind { MD_INFO_NONE, MD_INFO_2, MD_INFO_OTHER };

struct md_name {
	size_t baselen;         /* identity: bytes before the first ':' */
	size_t keeplen;         /* bytes kept when flags change (to last ':') */
	enum md_info_kind kind; /* ":2," info, other info, or none */
	struct md_flags flags;  /* flags of ":2," info */
	const char *tail;       /* after "2,FLAGS," or NULL */
};

void md_flags_zero(struct md_flags *f);
int md_flags_has(const struct md_flags *f, unsigned char c);
void md_flags_set(struct md_flags *f, unsigned char c, int on);
int md_flags_empty(const struct md_flags *f);
void md_flags_merge(struct md_flags *to, const struct md_flags *from);
int md_flags_equal(const struct md_flags *a, const struct md_flags *b);
/* Does A hold every flag of B? */
int md_flags_contains(const struct md_flags *a, const struct md_flags *b);
/* Do A and B share a flag? */
int md_flags_overlap(const struct md_flags *a, const struct md_flags *b);
/* F = (F + SET) - CLEAR */
void md_flags_apply(struct md_flags *f, const struct md_flags *set,
    const struct md_flags *clear);
/* Flags a user may name: P R S T D F, other capitals, keywords a-z. */
int md_flags_from_user(const char *s, struct md_flags *f);
/* A flag option: -X ARG or -x ARG (letters) into UPPER or LOWER; a
 * capital letter C (-S) into UPPER, a small one (-s) as its capital into
 * LOWER. -1/EINVAL for ARG with anything but letters. */
int md_flags_option(
    int c, const char *arg, struct md_flags *upper, struct md_flags *lower);
/* Write the set in ASCII order, NUL-terminated; returns its length. */
int md_flags_format(const struct md_flags *f, char *buf, size_t size);
void md_name_parse(const char *name, struct md_name *n);
/* The flags of NAME's ":2," info; none for other info or none. */
void md_name_flags(const char *name, struct md_flags *f);
/* name's kept part + ":2," + flags (+ "," tail) into buf. */
int md_name_format(char *buf, size_t size, const char *name,
    const struct md_name *n, const struct md_flags *flags);

/* ---- dir.c: maildirs and Maildir++ folders ---- */

#define MD_CREATE 0x1

struct md_maildir {
	int fd, tmpfd, newfd, curfd;
	dev_t dev;
	char path[PATH_MAX];
};

int md_maildir_open(
    struct md_maildir *m, const char *path, int flags, struct md_err *e);
void md_maildir_close(struct md_maildir *m);
/* 0 when PATH has tmp/, new/ and cur/ directories (three stats, no
 * open); -1 with errno and E naming the one that is not. */
int md_maildir_check(const char *path, struct md_err *e);
/* $MAILDIR, else $HOME/Maildir, else the password entry's home/Maildir;
 * -1 with ENOENT when there is none. */
int md_maildir_default(char *buf, size_t size);
/* 0 when NAME is a safe Maildir++ folder name ("Work.Projects"). */
int md_folder_valid(const char *name);
/* ROOT/.NAME ("INBOX" is the root itself). */
int md_folder_path(char *buf, size_t size, const char *root, const char *name);
int md_folder_open(struct md_maildir *m, const char *root, const char *name,
    int flags, struct md_err *e);
/* The folders of ROOT whose directory names start with PREFIX ("." for
 * all, ".Work." for Work's subfolders): the paths ROOT/.Name of those
 * holding cur/ (or whose cur/ cannot be looked at), sorted, in a
 * malloc'd *LIST (md_strings_free). -1 when ROOT cannot be read. */
int md_folder_list(
    const char *root, const char *prefix, char ***list, size_t *n);
void md_strings_free(char **list, size_t n);
/* The Maildir++ root of the maildir PATH into BUF: PATH's parent when
 * PATH holds a "maildirfolder" marker (returns 1), else PATH (0); -1
 * when the marker cannot be looked at (EIO, EACCES, ...). */
int md_folder_root(const char *path, char *buf, size_t size);
/* Is PATH (no trailing '/') a Maildir++ folder: named ".Name" and
 * holding the "maildirfolder" marker, or, when it has no cur/, by its
 * name alone? A root such as ~/.maildir, with cur/ and no marker, is
 * not. */
int md_folder_is(const char *path);
/* PATH without trailing slashes ("/" stays) into BUF; -1/ENAMETOOLONG. */
int md_path_trim(const char *path, char *buf, size_t size);
/* The maildir a command-line ARG names, into BUF: ARG without trailing
 * slashes, or, when ARG is no directory here but a folder name such as
 * "Work.Lists", that folder of the default maildir (md_maildir_default).
 * -1/ENAMETOOLONG. */
int md_target_path(const char *arg, char *buf, size_t size);
/* The folders -r takes in below the maildir PATH, as md_folder_list: a
 * root's folders, or a folder's subfolders (".Work.*" beside ".Work").
 * FOLDER says PATH is a folder; 0 lets md_folder_is judge. */
int md_target_folders(const char *path, int folder, char ***list, size_t *n);

/* ---- scan.c: listing a directory without a stat per entry ---- */

struct md_scan {
	int fd;
	size_t pos, len;
	char *buf;
};

/* Open DIRFD/SUB for scanning (SUB may be "."). */
int md_scan_open(struct md_scan *s, int dirfd, const char *sub);
/* The next entry not starting with '.': 1, or 0 at the end, or -1. NAME
 * stays valid until the next call; TYPE is d_type (DT_UNKNOWN on some
 * file systems). */
int md_scan_next(struct md_scan *s, const char **name, unsigned char *type);
void md_scan_close(struct md_scan *s);

/* ---- change.c: flag changes and new/ -> cur/, by one rename ---- */

/* A message file named by path: ROOT/new/NAME or ROOT/cur/NAME. */
struct md_msgpath {
	char root[PATH_MAX];
	int sub;  /* MD_NEW or MD_CUR */
	int bare; /* given as "new/NAME": ROOT is "." but is not printed */
	char name[NAME_MAX + 1];
};

struct md_change {
	struct md_flags set, clear;
	int to_cur; /* move from new/ to cur/ even when no flag changes */
};

/* Split PATH; -1/EINVAL unless it names a file in new/ or cur/ whose name
 * has a base (does not start with '.' or ':'). */
int md_msgpath_parse(const char *path, struct md_msgpath *mp);
/* The name after change C into OUT: 1, or 0 when nothing changes. */
int md_change_name(const struct md_msgpath *mp, const struct md_change *c,
    char *out, size_t size);
/* Apply C by one rename into cur/; MP then names the result. Returns 1
 * renamed, 0 nothing to change (no system call made), -1. A message
 * renamed meanwhile by another client is found by its base and changed
 * there; one that is gone gives ENOENT. */
int md_change(
    struct md_msgpath *mp, const struct md_change *c, struct md_err *e);
/* What md_change_in knows of the maildir its last messages were in:
 * whether new/ and cur/ hold no directory at all, as their link counts
 * say (2: none; 1, as btrfs has it, says nothing). A message in one
 * that holds none is renamed without a look (lstat) of its own first;
 * the counts are looked at again after a second. */
struct md_changer {
	char root[PATH_MAX];
	unsigned long run; /* messages in a row in ROOT */
	unsigned leaf;     /* MD_NEW, MD_CUR: holds no directory */
	int64_t at;        /* when LEAF was looked at, ms (monotonic) */
};
void md_changer_init(struct md_changer *ch);
/* md_change for a run of messages: CH (from md_changer_init) carries
 * what one call learnt of the maildir to the next. */
int md_change_in(struct md_changer *ch, struct md_msgpath *mp,
    const struct md_change *c, struct md_err *e);
/* MP as a path again: ROOT/cur/NAME, or cur/NAME when given bare. */
int md_msgpath_format(const struct md_msgpath *mp, char *buf, size_t size);
/* Find MP's base in new/ or cur/; on success MP names what is there now. */
int md_find_base(struct md_msgpath *mp);

/* ---- quota.c: Maildir++ quota, the root's "maildirsize" ---- */

/* What a reader makes of a maildirsize file: sums to use, or why every
 * reader must count the maildir again (mdkit(7) says where each comes
 * from in Courier's and Dovecot's readers). */
enum md_quota_verdict {
	MD_QUOTA_SOUND,    /* the sums can be used */
	MD_QUOTA_TOOBIG,   /* 5120 bytes or more */
	MD_QUOTA_NODEF,    /* no definition line: empty, or a NUL byte in it */
	MD_QUOTA_BADDEF,   /* limits that Courier and Dovecot read apart */
	MD_QUOTA_NOUSAGE,  /* the definition line alone */
	MD_QUOTA_BADLINE,  /* a line not two numbers, or sums past int64 */
	MD_QUOTA_BLANK,    /* a blank line */
	MD_QUOTA_CRLF,     /* a line ending in a carriage return */
	MD_QUOTA_NOEOL,    /* the last line without its newline */
	MD_QUOTA_NEGATIVE, /* a sum below zero */
};

struct md_quota {
	uint64_t max_bytes, max_count; /* 0: no limit of that kind */
	int64_t bytes, count;          /* in use: the sums of all lines */
	int lines;                     /* usage lines read */
	enum md_quota_verdict verdict; /* of the file read */
	long badline; /* the line VERDICT is about (1: the limits), or 0 */
};

/* A definition into Q's limits: Maildir++ "10000000S,1000C", or for
 * people "100M,5000C" (K M G T are powers of 1024 and mean bytes); "0S"
 * or "" is no limit. -1/EINVAL for anything else. */
int md_quota_parse(const char *def, struct md_quota *q);
/* Q's limits as Maildir++ writes them: "104857600S,5000C", "0S". */
int md_quota_format(const struct md_quota *q, char *buf, size_t size);
/* The one reader: the maildirsize open as FD (its first 5120 bytes at
 * most) into Q, its limits as Courier reads them, the sums of its usage
 * lines and its verdict. Nothing is counted or written. 0, or -1 with
 * read's errno. */
int md_quota_read(int fd, struct md_quota *q);
/* The quota of the Maildir++ root ROOT: 1 with Q filled (recalculated
 * and rewritten when the file's verdict is not MD_QUOTA_SOUND, it is a
 * symlink, or the Maildir++ rules say its numbers cannot be trusted), 0
 * when ROOT has no maildirsize (no quota), -1. */
int md_quota_get(const char *root, struct md_quota *q, struct md_namegen *g,
    struct md_err *e);
/* md_quota_get for adding BYTES in COUNT messages: sums that would
 * refuse them are trusted only from a one-line file younger than 15
 * minutes (Maildir++), else counted again. Call md_quota_over after. */
int md_quota_get_for(const char *root, int64_t bytes, int64_t count,
    struct md_quota *q, struct md_namegen *g, struct md_err *e);
/* Would BYTES more in COUNT more messages go over Q's limits? */
int md_quota_over(const struct md_quota *q, int64_t bytes, int64_t count);
/* Append "BYTES COUNT" to ROOT/maildirsize in one write (after a newline
 * when the file's last line lacks one): 1, or 0 when there is no such
 * file (no quota is kept) or it is a symlink (never written through), -1. */
int md_quota_add(
    const char *root, int64_t bytes, int64_t count, struct md_err *e);
/* Count what ROOT and its folders (but .Trash) hold, sizes from ",S="
 * where present, into Q's bytes and count; nothing is written. */
int md_quota_count(const char *root, struct md_quota *q, struct md_err *e);
/* Count, then write ROOT/maildirsize anew with Q's limits and the
 * count: replaced on purpose (md_tmp_replace), so readers see old or
 * new, and the new one is on disk when it returns 0. */
int md_quota_recalc(const char *root, struct md_quota *q, struct md_namegen *g,
    struct md_err *e);
/* Is PATH (a maildir of the Maildir++ root ROOT) the Trash folder, which
 * Maildir++ leaves out of the count? */
int md_quota_is_trash(const char *root, const char *path);

/* One Maildir++ root as a run keeps its quota: known by device and inode
 * (any spelling of its path is the same root), read once, and changed
 * by what the run adds and takes away. */
struct md_quota_root {
	struct md_quota_root *next;
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
	int state;         /* 0 not read yet, 1 kept in maildirsize, -1 none */
	struct md_quota q; /* as read, plus the lines written since */
	int64_t bytes, count; /* recorded, not written yet */
	/* maildirsize when the root was found, before the run changed
	 * anything: replaced by the time a line is written, it may hold a
	 * count that has the run's changes in it already. */
	int file; /* 1 noted in fdev, fino; 0 none; -1 not known */
	dev_t fdev;
	ino_t fino;
};

/* The roots of one run (md-deliver, md-move, md-expunge, md-check). */
struct md_quota_ledger {
	struct md_quota_root *roots;
	struct md_namegen *gen; /* names for a recount's file; may be NULL
	                         * when the ledger never checks room */
};

void md_quota_ledger_init(struct md_quota_ledger *l, struct md_namegen *g);
void md_quota_ledger_free(struct md_quota_ledger *l);
/* The root whose quota counts the maildir MAILDIR into *QR: 1, or 0 (QR
 * NULL) for the Trash, which Maildir++ does not count, -1. */
int md_quota_ledger_find(struct md_quota_ledger *l, const char *maildir,
    struct md_quota_root **qr, struct md_err *e);
/* Is there room in QR's quota for BYTES more in COUNT messages, on top
 * of what was recorded? 1 yes (or no quota), 0 no, -1. Reads the file
 * the first time, and again (md_quota_get_for) when the numbers kept
 * would refuse; when that counts the maildir again, what was recorded
 * (in place already) is in the count, and is dropped from the line. */
int md_quota_ledger_room(struct md_quota_ledger *l, struct md_quota_root *qr,
    int64_t bytes, int64_t count, struct md_err *e);
/* BYTES in COUNT messages added to QR (negative: taken away), to be
 * written by md_quota_ledger_flush. */
void md_quota_ledger_record(
    struct md_quota_root *qr, int64_t bytes, int64_t count);
/* Append what was recorded, one line a root (md_quota_add), to each
 * root that keeps a maildirsize; a root whose maildirsize was replaced
 * since it was found (another process counted the maildir while this
 * run changed it) is counted again instead, since its line could take a
 * change off twice. Every root is tried; 0, or -1 with E for the first
 * that failed. */
int md_quota_ledger_flush(struct md_quota_ledger *l, struct md_err *e);

/* ---- move.c: refiling a message into another maildir ---- */

/*
 * Move the message MP into maildir TO under a fresh unique base with
 * ",S=<size>", keeping its info (":2,FLAGS[,tail]") and mtime, into new/
 * when it was in new/, else cur/. KEEP leaves the original (a copy). On
 * one file system one rename (a link with KEEP), never over a file;
 * across file systems a copy into TO's tmp/, fsync, link into place,
 * fsync TO's directory (md_tmp_copy, md_place_own, md_maildir_sync),
 * then the unlink of the source and an fsync of its directory. OUT gets
 * the new path, *SIZE the message's size. A source renamed meanwhile is
 * found by its base (as md_change); one that is gone gives ENOENT.
 * KMAP (md_keywords_map; NULL: letters as they are) renames keyword
 * letters for TO; a letter it cannot carry fails with MD_ERR_KEYWORD
 * (ENOENT), E naming TO's dovecot-keywords, and the message stays.
 */
int md_move(struct md_msgpath *mp, const struct md_maildir *to, int keep,
    const char *kmap, struct md_namegen *g, char *out, size_t outsize,
    uint64_t *size, struct md_err *e);

/* ---- expunge.c: removing messages and stale tmp/ files ---- */

#define MD_EXPUNGE_TRASHED 0x1 /* messages flagged T */
#define MD_EXPUNGE_ALL 0x2     /* messages whatever their flags */
#define MD_EXPUNGE_OLDER 0x4   /* only messages whose mtime < before */
#define MD_EXPUNGE_TMP 0x8     /* files in tmp/ whose ctime < tmp_before */
#define MD_EXPUNGE_DRY 0x10    /* decide and report; remove nothing */

/* One file removed (or, dry, that would be), or one problem (ERR set,
 * errno as the failing call left it). */
struct md_expunge_event {
	const char *maildir, *sub, *name; /* sub: "new", "cur" or "tmp" */
	uint64_t size;
	const struct md_err *err;
};

struct md_expunge {
	int what; /* MD_EXPUNGE_* */
	struct timespec before, tmp_before;
	void (*report)(void *arg, const struct md_expunge_event *ev);
	/* Optional: after each entry of new/, cur/ and tmp/ looked at, the
	 * count so far in this maildir (for a progress line). */
	void (*progress)(void *arg, uint64_t seen);
	void *arg;
	struct md_quota_ledger *quota; /* where removals are recorded and
	                                * written; NULL: one of the call's */
};

struct md_expunge_stats {
	uint64_t messages, bytes;    /* from new/ and cur/ */
	uint64_t tmpfiles, tmpbytes; /* from tmp/ */
	unsigned long problems;
};

/* "7d", "12h", "2w", "30m", "10s", or several ("1d12h") into seconds;
 * -1/EINVAL (ERANGE for too large) for anything else. */
int md_age_parse(const char *s, time_t *secs);
/* Does X take the message NAME by its flags (no system call made)? */
int md_expunge_wanted(const struct md_expunge *x, const char *name);
/*
 * Remove from the maildir PATH what X selects: messages in new/ and cur/,
 * then stale files in tmp/. Subdirectories are opened O_NOFOLLOW below
 * PATH's descriptor and entries unlinked relative to them, so no symbolic
 * link is followed, no directory removed and nothing outside them
 * touched. A file gone meanwhile is skipped, uncounted. Messages removed
 * from a maildir other than Trash are taken off its Maildir++ quota: one
 * negative line, through X->quota.
 * Adds to *ST; returns 0, or -1 after one or more problems (each told
 * to X->report; E holds the first).
 */
int md_expunge_maildir(const char *path, const struct md_expunge *x,
    struct md_expunge_stats *st, struct md_err *e);

/* ---- check.c: finding (and repairing) damage in a maildir ---- */

/* What is wrong; md_check_category() names each with a fixed word. */
enum md_check_kind {
	MD_CHECK_MISSING,    /* tmp/, new/ or cur/ absent or no directory */
	MD_CHECK_MODE,       /* mail or a directory others can get at */
	MD_CHECK_STALE,      /* a tmp/ file untouched for 36 hours */
	MD_CHECK_NONMESSAGE, /* in new/ or cur/, but no message */
	MD_CHECK_EMPTY,      /* a message of 0 bytes */
	MD_CHECK_SIZE,       /* ",S=" differs from the file's size */
	MD_CHECK_MISPLACED,  /* in new/ with info (belongs in cur/) */
	MD_CHECK_FLAGS,      /* flags not in ASCII order, or repeated */
	MD_CHECK_DUPLICATE,  /* a base already seen in new/ or cur/ */
	MD_CHECK_QUOTA,      /* maildirsize differs from what is there */
	MD_CHECK_CACHE,      /* the header cache: damaged, or entries wrong */
	MD_CHECK_REPAIRED,   /* no finding: a repair made (or failed) */
	MD_CHECK_NOTE,       /* no finding: worth knowing (the cache lags) */
};

/* Which variant of a kind (struct md_finding's WHAT). */
enum md_check_what {
	MD_CHECK_ANY,
	MD_CHECK_ABSENT,    /* missing: not there */
	MD_CHECK_NOTDIR,    /* missing: there, but no directory */
	MD_CHECK_DIR,       /* nonmessage, mode: a directory */
	MD_CHECK_SPECIAL,   /* nonmessage: a fifo, socket or device */
	MD_CHECK_NOBASE,    /* nonmessage: the name starts with ':' */
	MD_CHECK_DANGLING,  /* nonmessage: a symbolic link to nothing */
	MD_CHECK_ORDER,     /* flags: out of ASCII order */
	MD_CHECK_REPEAT,    /* flags: a letter twice */
	MD_CHECK_DRIFT,     /* quota: V = stored bytes, count; counted ones */
	MD_CHECK_UNTRUSTED, /* quota: V[0] the md_quota_verdict, V[1] its
	                     * line (md_quota_read) */
	MD_CHECK_MKDIR,     /* repaired: a directory made */
	MD_CHECK_RENAME,    /* repaired: renamed to OTHER */
	MD_CHECK_RECALC,    /* repaired: maildirsize written anew */
	MD_CHECK_DAMAGED,   /* cache: unreadable; OTHER says how */
	MD_CHECK_OUTDATED,  /* cache: V[0] entries whose message changed */
	MD_CHECK_REBUILT,   /* repaired: the cache rebuilt, V[0] entries */
	MD_CHECK_CHMOD,     /* repaired: V[0] the mode now */
	MD_CHECK_BEHIND,    /* note: V = messages without entry, entries of
	                     * messages gone */
	MD_CHECK_FOREIGN,   /* note: the cache is of another version */
};

struct md_finding {
	enum md_check_kind kind;
	enum md_check_what what;
	const char *path;  /* the file or directory concerned */
	const char *other; /* duplicate: the one kept; rename: the new path */
	/* mode: V[0], and V[1] the bits of those who can get in (what a
	 * repair takes); stale: age (s); size: ",S=", st_size; duplicate: 1
	 * for a hard link of OTHER; recalc: bytes, count written */
	int64_t v[4];
	int error; /* repaired: 0, or the errno of a failed repair */
};

#define MD_CHECK_STALE_SECS (36 * 60 * 60)

struct md_check {
	int repair;             /* also repair what is safe to repair */
	time_t now;             /* for the age of tmp/ files */
	struct md_namegen *gen; /* fresh names for duplicates, quota file */
	void (*report)(void *arg, const struct md_finding *f);
	/* Optional: after each message looked at, the count so far in this
	 * maildir (for a progress line). */
	void (*progress)(void *arg, uint64_t seen);
	void *arg;
	unsigned long found, fixed; /* findings reported, and repaired */
};

/* "missing", "mode", ... for output; "repaired" for MD_CHECK_REPAIRED. */
const char *md_check_category(enum md_check_kind k);
/*
 * Check the maildir PATH, telling C->report each finding (and, with
 * C->repair, each repair: renames that never replace, mkdir, a new
 * maildirsize, modes tightened; nothing is deleted), and each note,
 * which is no finding. Checks the quota of a Maildir++ root too, not its
 * folders. Returns 0; -1 when PATH or a part of it could not be read (E
 * says which; what could be checked was).
 */
int md_check_maildir(struct md_check *c, const char *path, struct md_err *e);

/* ---- header.c: the header of a message, bounded, indexed in place ---- */

#define MD_HEADER_MAX (256 * 1024) /* bytes read at most, whatever follows */

struct md_field {
	size_t name, namelen;   /* offsets into the header's bytes */
	size_t value, valuelen; /* after the colon, to the last line's end */
};

struct md_header {
	const char *buf; /* the bytes indexed */
	size_t len;      /* the header's length in them */
	struct md_field *f;
	size_t nf, fcap;
	char *own; /* md_header_read's buffer, kept for the next message */
	size_t owncap;
};

/* ---- decode.c: header text to UTF-8 (RFC 2047, undeclared 8-bit) ---- */

#define MD_DECODER_SLOTS 16 /* charsets with an open descriptor */
#define MD_CHARSET_MAX 64

/* iconv descriptors kept open across calls: opening one costs more than
 * decoding a subject. */
#define MD_DECODE_RUN 4096 /* decoded bytes of adjacent words, at most */

/* Decoded bytes of adjacent words in one charset, converted together
 * when the run ends (a character may be split across words). */
struct md_decode_run {
	char charset[MD_CHARSET_MAX];
	char buf[MD_DECODE_RUN];
	size_t len;
	int open;
};

struct md_decoder {
	iconv_t cd[MD_DECODER_SLOTS]; /* (iconv_t)-1: not known to iconv */
	char name[MD_DECODER_SLOTS][MD_CHARSET_MAX];
	size_t n;
	struct md_decode_run run; /* the call's work space: no malloc */
	/* The charset last resolved, as the mail spelt it: the next word is
	 * most likely in the same one. kind 0: none. */
	char last[MD_CHARSET_MAX];
	int last_kind;
	iconv_t last_cd;
};

/* ---- summary.c: what a listing shows of a message ---- */

/* The text fields of a summary: UTF-8 (decoded, no control bytes) for
 * the addresses, subject and list id; ids without brackets, one space
 * apart, for the three id fields. */
enum md_sfield {
	MD_S_FROM,    /* From:, decoded, whole ("Name <addr>") */
	MD_S_NAME,    /* From:'s display name, else its address */
	MD_S_TO,      /* To:, decoded */
	MD_S_CC,      /* Cc:, decoded */
	MD_S_SUBJECT, /* Subject:, decoded */
	MD_S_MSGID,   /* Message-ID: */
	MD_S_IRT,     /* In-Reply-To: */
	MD_S_REFS,    /* References: */
	MD_S_LISTID,  /* List-Id:, decoded */
	MD_S_N
};

#define MD_SUMMARY_FIELD 2048 /* bytes of one text field, at most */

/* A string of N bytes at P, not NUL-terminated. */
struct md_str {
	const char *p;
	size_t n;
};

struct md_summary {
	uint64_t size; /* the file's size */
	int64_t mtime; /* its mtime: when it was delivered */
	int64_t date;  /* Date:, or mtime when there is none or it is bad */
	struct md_str s[MD_S_N];
};

/* Buffers for summaries read from files, reused message after message;
 * the strings of a summary stay valid until the next call. */
struct md_summarizer {
	unsigned want; /* fields to fill, bits 1 << MD_S_x (others come
	                  back empty); 0: all of them */
	struct md_header h;
	struct md_decoder d;
	char raw[4 * MD_SUMMARY_FIELD];
	char text[MD_S_N][MD_SUMMARY_FIELD];
};

void md_summarizer_init(struct md_summarizer *z);
void md_summarizer_free(struct md_summarizer *z);
/* The summary of the header in the LEN bytes at BUF; SIZE and MTIME as
 * given, DATE from Date: or MTIME. -1/ENOMEM only. */
int md_summary_parse(struct md_summarizer *z, const char *buf, size_t len,
    uint64_t size, int64_t mtime, struct md_summary *s);
/* The summary of the message DIRFD/NAME (a symlink is followed): one
 * open, fstat, a bounded read of its header. -1 with errno (EINVAL:
 * not a regular file) and E naming the step and NAME. */
int md_summary_read(struct md_summarizer *z, int dirfd, const char *name,
    struct md_summary *s, struct md_err *e);

/* ---- cacheread.c, cachewrite.c: the header cache, one file per maildir,
 * read by mmap (cacheread.c), built and written anew (cachewrite.c) ---- */

#define MD_CACHE_NAME "mdkit-cache" /* in the maildir's root */
#define MD_CACHE_VERSION 3

/* A cache mapped read-only: its checksum and index checked when opened,
 * each entry when it is used. */
struct md_cache {
	const unsigned char *map;
	size_t len;
	uint32_t n;       /* entries */
	int mapped;       /* md_cache_open's map (unmapped on close) */
	uint32_t *bucket; /* the first record of each hash prefix */
	int shift;        /* hash >> shift: the prefix */
};

/* Map DIR's cache (DIR/mdkit-cache) and check it (the header, the
 * checksum, the index in bounds): -1 with ENOENT when there is none,
 * EBADMSG when it is damaged (truncated, a bad checksum, not a cache at
 * all) or ENOTSUP when another version wrote it, E's step saying how;
 * else open(2)/mmap(2)'s errno. */
int md_cache_open(struct md_cache *c, const char *dir, struct md_err *e);
void md_cache_close(struct md_cache *c);
/* Check every entry of a cache opened or loaded: whole, under the hash
 * of its base, in order. 0, or -1/EBADMSG with *WHY saying how. What a
 * writer with a bug could leave behind a checksum; md-index and
 * md-check look, listings need not (md_cache_entry checks its entry). */
int md_cache_check(const struct md_cache *c, const char **why);
/* The entry for the base B (N bytes): its index, with *S pointing into
 * the cache; -1 when there is none (or it is malformed). */
long md_cache_find(
    const struct md_cache *c, const char *b, size_t n, struct md_summary *s);
/* md_cache_find for N bases, IDX[i] for BASE[i] (LEN[i] bytes): the index
 * or -1. The entries are not split: md_cache_entry may yet find one
 * malformed. */
void md_cache_find_n(const struct md_cache *c, const char *const *base,
    const size_t *len, size_t n, long *idx);
/* Entry I (below c->n): its base and summary, pointing into the cache;
 * -1/EBADMSG when the entry is malformed. */
int md_cache_entry(const struct md_cache *c, uint32_t i, struct md_str *base,
    struct md_summary *s);

/* A cache's entries in the order of the file, for a listing that looks
 * messages up in the order md-index found them: the entry after the last
 * one found is tried first, without the index. */
struct md_cache_spot {
	uint32_t off, len, rec; /* the entry, and its index record */
};
struct md_cache_walk {
	const struct md_cache *c;
	struct md_cache_spot *spot; /* by offset */
	uint32_t *at;               /* the spot of each record */
	size_t next;                /* the spot to try first */
	size_t hits;                /* lookups answered by that try */
};

/* Set W up over C (which must outlive it); -1/ENOMEM. */
int md_cache_walk_init(struct md_cache_walk *w, const struct md_cache *c);
void md_cache_walk_free(struct md_cache_walk *w);
/* md_cache_find_n through W: IDX[i] a spot for md_cache_walk_entry, or
 * -1 when BASE[i] has no entry. */
void md_cache_walk_find_n(struct md_cache_walk *w, const char *const *base,
    const size_t *len, size_t n, long *idx);
/* The entry at spot K, as md_cache_entry gives it (-1/EBADMSG when it is
 * malformed). */
int md_cache_walk_entry(const struct md_cache_walk *w, long k,
    struct md_str *base, struct md_summary *s);

/* ---- index.c: bringing a maildir's cache up to date, comparing it ---- */

#define MD_INDEX_REBUILD 0x1 /* ignore the old cache */

struct md_index_stats {
	size_t messages; /* in new/ and cur/ */
	size_t kept;     /* entries taken from the old cache */
	size_t added;    /* messages read */
	size_t dropped;  /* old entries whose messages are gone */
	size_t failed;   /* messages that could not be read */
	int written;     /* the cache was rewritten */
	int reordered;   /* ... only because the order of its entries had
	                    drifted from the directories' (flag changes
	                    rename messages, and renames reorder them) */
	int damaged;     /* errno of an old cache that was ignored, or 0 */
	const char *why; /* and how it was damaged ("bad checksum") */
};

#define MD_INDEX_READERS_MAX 16

struct md_index {
	struct md_summarizer *z; /* the first reader's (more get their own) */
	struct md_namegen *g;
	int flags;
	/* Threads reading messages: 0, one per CPU (at most 4, each with
	 * 512 messages or more); N, that many, at most MD_INDEX_READERS_MAX
	 * (the cache is the same whatever the number). */
	int readers;
	/* Called after each message read (by the first reader, with the
	 * count of all), and once at the end; from the calling thread. */
	void (*progress)(void *arg, size_t done, size_t total);
	/* Called for each message that could not be read (and is left
	 * out), E saying why and errno its error, once all are read; from
	 * the calling thread. */
	void (*unreadable)(void *arg, const struct md_err *e);
	void *arg;
};

/* Update the cache of the maildir DIR: entries of messages still there
 * kept, new messages read, the rest dropped; written only when
 * something changed. -1 with E when DIR could not be read or the cache
 * not written (the old one stays). */
int md_index_update(const struct md_index *ix, const char *dir,
    struct md_index_stats *st, struct md_err *e);

enum md_index_finding {
	MD_INDEX_MISSING, /* a message without an entry */
	MD_INDEX_EXTRA,   /* an entry without a message */
	MD_INDEX_STALE,   /* an entry whose size or mtime is not the file's */
};

/* Compare DIR's cache with its messages, changing nothing; FOUND gets
 * each difference (NAME: the message's file name in SUB "new"/"cur", or
 * for an extra entry its base and SUB NULL). Returns the number of
 * differences; -1 with E when DIR or its cache could not be read
 * (ENOENT: there is no cache). */
long md_index_compare(const char *dir,
    void (*found)(
        void *arg, enum md_index_finding k, const char *sub, const char *name),
    void *arg, struct md_err *e);

/* ---- keywords.c: Dovecot's dovecot-keywords, read only ---- */

/* The letter ('a' + id) for keyword NAME in ROOT/dovecot-keywords; -1
 * with ENOENT when the file does not exist or does not name it. */
int md_keyword_letter(const char *root, const char *name);

/* A maildir's keyword names by letter: name[i] is that of 'a' + i, NULL
 * where the file names none (lines of ids over 25, of names that are no
 * IMAP atom, or repeating an id are passed over). */
struct md_keywords {
	const char *name[26];
	char *buf; /* the file, each line ended by a NUL */
};

/* Read ROOT/dovecot-keywords into KW (free it with md_keywords_free): 0,
 * a file that does not exist naming nothing; -1 with errno otherwise
 * (ELOOP for a symbolic link, which is not followed). */
int md_keywords_read(const char *root, struct md_keywords *kw);
void md_keywords_free(struct md_keywords *kw);
/* The letter of keyword NAME, in any case; -1 with ENOENT. */
int md_keywords_find(const struct md_keywords *kw, const char *name);
/* The names of the letters of F that KW names, in letter order and one
 * space apart, into BUF (NUL-terminated, cut to SIZE); returns their
 * length, which may be SIZE or more, as snprintf(3) does. */
size_t md_keywords_format(const struct md_keywords *kw,
    const struct md_flags *f, char *buf, size_t size);
/* How letters carry from a maildir naming keywords as FROM does to one
 * naming them as TO does, into MAP: MAP[i] is the letter 'a' + i
 * becomes, the one TO gives FROM's name; '\0' where TO does not name
 * it (the keyword cannot go there without writing Dovecot's file); the
 * letter itself where FROM names none (nothing to lose). */
void md_keywords_map(
    const struct md_keywords *from, const struct md_keywords *to, char map[26]);
/* The same from maildir FROM's dovecot-keywords to maildir TO's: 0, or
 * -1 with errno and E naming the file that could not be read. */
int md_keywords_map_dirs(
    const char *from, const char *to, char map[26], struct md_err *e);

/* ---- commit.c: making a file durable and visible, the one way ---- */

/*
 * Every file mdkit writes is made in tmp/ (md_tmp_create: a fresh name,
 * O_EXCL, never through a symlink, mode 0600), filled (md_tmp_write, or
 * md_tmp_copy) and put on disk (md_tmp_finish: fsync, close checked).
 * Then a message is placed (md_place, md_place_own): linked into new/ or
 * cur/ under a name nobody has, never replacing a file; it is durable
 * once md_maildir_sync has synced that directory, which a batch does
 * once for many. A file replaced on purpose (the cache, maildirsize) is
 * renamed over its name instead (md_tmp_replace), its directory synced
 * at once. md_tmp_remove takes what is left out of tmp/.
 */

/* After md_tmp_finish a file of at most MD_TMP_BUF bytes is still whole
 * in buf: it was written from there in one piece. */
#define MD_TMP_BUF 65536

struct md_tmp {
	int fd;
	const struct md_maildir *home;
	uint64_t size;
	uint64_t limit; /* 0 = none; above it writes fail with EMSGSIZE */
	int nolink;     /* its file system has no hard links: rename it */
	size_t buflen;
	char name[NAME_MAX + 1];
	char buf[MD_TMP_BUF];
};

int md_tmp_create(struct md_tmp *t, const struct md_maildir *home,
    struct md_namegen *g, struct md_err *e);
int md_tmp_write(struct md_tmp *t, const void *p, size_t n, struct md_err *e);
/* Flush, set mtime (if given), fsync and close: the data is on disk. */
int md_tmp_finish(
    struct md_tmp *t, const struct timespec *mtime, struct md_err *e);
/* Remove the tmp file (after placing it, or to abandon it). */
void md_tmp_remove(struct md_tmp *t);

#define MD_NEW 0x1
#define MD_CUR 0x2

/*
 * Link the finished T into M's new/ (flags == NULL) or cur/ as
 * "<base>,S=<size>[:2,F]", never over another file: a name taken gets a
 * fresh base, and NFS's EEXIST for a link that was made is success. The
 * name used, "new/..." or "cur/...", is left in NAME. T stays in tmp/
 * for more targets: where M is on another file system or has no hard
 * links, a copy of T is made in M's tmp/ and placed. Does not sync M's
 * directory: md_maildir_sync does, once per batch.
 */
int md_place(struct md_tmp *t, const struct md_maildir *m,
    const struct md_flags *flags, struct md_namegen *g, char *name, size_t size,
    struct md_err *e);
/* fsync M's new/ and/or cur/ (WHICH: MD_NEW | MD_CUR). */
int md_maildir_sync(const struct md_maildir *m, int which, struct md_err *e);

#endif
