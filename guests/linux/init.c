/*
 * Pagoda's Linux /init: a static program without libc that talks to the kernel through raw
 * system calls (asm-generic numbers, RISC-V Linux calling convention: a7 = number, a0..a5 =
 * arguments, a0 = result or -errno), looks at the machine it was booted on and checks it.
 *
 * Every check prints one line, "init: ok WHAT" or "init: FAIL WHAT: DETAIL"; at the end
 * "init: all checks passed" or "init: N checks failed", and then the machine is powered off.
 *
 * The kernel command line may carry what the machine should look like:
 *   pagoda.harts=N   CPUs that must be online (default: do not compare)
 *   pagoda.mem=M     RAM in MiB the machine was given (default: do not compare)
 *
 * Run as "/init child CODE" it is the program the fork-and-exec check executes: it checks it
 * is not PID 1 and exits with CODE.
 */

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef unsigned char u8;

/* --- System calls (include/uapi/asm-generic/unistd.h) ----------------------------------------- */

enum {
    SYS_ioctl = 29, SYS_mkdirat = 34, SYS_mount = 40, SYS_openat = 56, SYS_close = 57,
    SYS_pipe2 = 59, SYS_read = 63, SYS_write = 64, SYS_pread64 = 67, SYS_pwrite64 = 68,
    SYS_fsync = 82, SYS_exit = 93, SYS_exit_group = 94, SYS_futex = 98, SYS_nanosleep = 101,
    SYS_clock_gettime = 113, SYS_sched_setaffinity = 122, SYS_sched_getaffinity = 123,
    SYS_reboot = 142, SYS_getcpu = 168, SYS_getpid = 172, SYS_getppid = 173, SYS_sysinfo = 179,
    SYS_brk = 214, SYS_munmap = 215, SYS_clone = 220, SYS_execve = 221, SYS_mmap = 222,
    SYS_wait4 = 260,
};

static inline i64 syscall6(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f)
{
    register i64 a0 __asm__("a0") = a;
    register i64 a1 __asm__("a1") = b;
    register i64 a2 __asm__("a2") = c;
    register i64 a3 __asm__("a3") = d;
    register i64 a4 __asm__("a4") = e;
    register i64 a5 __asm__("a5") = f;
    register i64 a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

#define SC0(n) syscall6((n), 0, 0, 0, 0, 0, 0)
#define SC1(n, a) syscall6((n), (i64)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b) syscall6((n), (i64)(a), (i64)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c) syscall6((n), (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)
#define SC4(n, a, b, c, d) syscall6((n), (i64)(a), (i64)(b), (i64)(c), (i64)(d), 0, 0)
#define SC6(n, a, b, c, d, e, f) syscall6((n), (i64)(a), (i64)(b), (i64)(c), (i64)(d), (i64)(e), (i64)(f))

/* From the uapi headers: fcntl.h, mman-common.h, sched.h, reboot.h, futex.h, fs.h, wait.h. */
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 2
#define O_DIRECT 040000
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define SIGCHLD 17
#define FUTEX_WAIT 0
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc
#define BLKFLSBUF 0x1261
#define BLKGETSIZE64 0x80081272
#define CLOCK_MONOTONIC 1
#define ENODEV 19

struct timespec { i64 tv_sec; i64 tv_nsec; };

/* include/uapi/linux/sysinfo.h, 64-bit layout. */
struct sysinfo {
    i64 uptime;
    u64 loads[3];
    u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    unsigned short procs, pad;
    u64 totalhigh, freehigh;
    u32 mem_unit;
    char reserved[256];
};

long spawn_thread(u64 flags, void *stack_top, int *parent_tid, int *child_tid,
                  void (*fn)(void *), void *arg);

/* --- The few library functions the compiler may call ------------------------------------------ */

void *memset(void *d, int c, u64 n)
{
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, u64 n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--) *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, u64 n)
{
    const u8 *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p < *q ? -1 : 1;
    return 0;
}

static u64 str_len(const char *s)
{
    u64 n = 0;
    while (s[n]) n++;
    return n;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

/* --- Output: each line is built in a buffer and written with one write(2) -------------------- */

struct line { char text[256]; u32 len; };

static void put_str(struct line *l, const char *s)
{
    while (*s && l->len < sizeof l->text - 1) l->text[l->len++] = *s++;
}

static void put_dec(struct line *l, i64 v)
{
    char digits[24];
    int n = 0;
    u64 u = v < 0 ? -(u64)v : (u64)v;
    if (v < 0) put_str(l, "-");
    do digits[n++] = (char)('0' + u % 10); while ((u /= 10) && n < 24);
    while (n && l->len < sizeof l->text - 1) l->text[l->len++] = digits[--n];
}

static void put_hex(struct line *l, u64 v)
{
    put_str(l, "0x");
    int shift = 60;
    while (shift > 0 && !((v >> shift) & 0xf)) shift -= 4;
    for (; shift >= 0; shift -= 4) {
        char s[2] = { "0123456789abcdef"[(v >> shift) & 0xf], 0 };
        put_str(l, s);
    }
}

/* Terminates the line's text so it can be passed on as a string. */
static const char *text(struct line *l)
{
    l->text[l->len] = 0;
    return l->text;
}

static void flush(struct line *l)
{
    put_str(l, "\n");
    SC3(SYS_write, 1, l->text, l->len);
    l->len = 0;
}

static void say(const char *s)
{
    struct line l = { .len = 0 };
    put_str(&l, "init: ");
    put_str(&l, s);
    flush(&l);
}

static int failures;

static void ok(const char *what)
{
    struct line l = { .len = 0 };
    put_str(&l, "init: ok ");
    put_str(&l, what);
    flush(&l);
}

/* Starts a FAIL line; the caller adds the detail and calls flush(). */
static struct line fail_line(const char *what)
{
    struct line l = { .len = 0 };
    failures++;
    put_str(&l, "init: FAIL ");
    put_str(&l, what);
    put_str(&l, ": ");
    return l;
}

static void fail_errno(const char *what, const char *call, i64 result)
{
    struct line l = fail_line(what);
    put_str(&l, call);
    put_str(&l, " returned ");
    put_dec(&l, result);
    flush(&l);
}

/* --- Reading small files and the command line -------------------------------------------------- */

static i64 read_file(const char *path, char *buffer, u64 size)
{
    i64 fd = SC4(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
    if (fd < 0) return fd;
    u64 total = 0;
    while (total < size - 1) {
        i64 n = SC3(SYS_read, fd, buffer + total, size - 1 - total);
        if (n <= 0) break;
        total += (u64)n;
    }
    SC1(SYS_close, fd);
    buffer[total] = 0;
    while (total && (buffer[total - 1] == '\n')) buffer[--total] = 0;
    return (i64)total;
}

static char cmdline[1024];

/* The decimal value of KEY=N in /proc/cmdline, or -1. */
static i64 cmdline_value(const char *key)
{
    u64 k = str_len(key);
    for (const char *p = cmdline; *p; p++) {
        if ((p == cmdline || p[-1] == ' ') && memcmp(p, key, k) == 0 && p[k] == '=') {
            i64 v = 0;
            const char *d = p + k + 1;
            if (*d < '0' || *d > '9') return -1;
            while (*d >= '0' && *d <= '9') v = v * 10 + (*d++ - '0');
            return v;
        }
    }
    return -1;
}

/* Counts the CPUs in a sysfs list such as "0-3,5". */
static i64 count_cpu_list(const char *s)
{
    i64 count = 0;
    while (*s) {
        i64 a = 0, b;
        if (*s < '0' || *s > '9') return -1;
        while (*s >= '0' && *s <= '9') a = a * 10 + (*s++ - '0');
        b = a;
        if (*s == '-') {
            s++;
            b = 0;
            while (*s >= '0' && *s <= '9') b = b * 10 + (*s++ - '0');
        }
        if (b < a) return -1;
        count += b - a + 1;
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return count;
}

/* --- Checks -------------------------------------------------------------------------------------- */

static void mount_filesystems(void)
{
    static const struct { const char *source, *target, *type; } mounts[] = {
        { "proc", "/proc", "proc" },
        { "sysfs", "/sys", "sysfs" },
        { "devtmpfs", "/dev", "devtmpfs" },
    };
    for (u64 i = 0; i < sizeof mounts / sizeof mounts[0]; i++) {
        SC3(SYS_mkdirat, AT_FDCWD, mounts[i].target, 0755);
        i64 r = SC6(SYS_mount, mounts[i].source, mounts[i].target, mounts[i].type, 0, 0, 0);
        /* devtmpfs may already be mounted on /dev by CONFIG_DEVTMPFS_MOUNT (-EBUSY). */
        if (r < 0 && !(r == -16 && str_eq(mounts[i].type, "devtmpfs"))) {
            struct line l = fail_line("mount");
            put_str(&l, mounts[i].target);
            put_str(&l, " returned ");
            put_dec(&l, r);
            flush(&l);
            continue;
        }
        struct line l = { .len = 0 };
        put_str(&l, "mount ");
        put_str(&l, mounts[i].target);
        ok(text(&l));
    }
}

static i64 online_cpus;

static void check_cpus(void)
{
    u64 mask[16] = { 0 };
    i64 n = SC3(SYS_sched_getaffinity, 0, sizeof mask, mask);
    if (n <= 0) {
        fail_errno("cpus", "sched_getaffinity", n);
        return;
    }
    i64 count = 0;
    for (u64 i = 0; i < (u64)n / 8; i++)
        for (u64 m = mask[i]; m; m &= m - 1) count++;
    online_cpus = count;

    char online[128];
    i64 r = read_file("/sys/devices/system/cpu/online", online, sizeof online);
    i64 sysfs_count = r >= 0 ? count_cpu_list(online) : -1;
    i64 expected = cmdline_value("pagoda.harts");

    struct line l = { .len = 0 };
    put_str(&l, "init: cpus: affinity mask ");
    put_hex(&l, mask[0]);
    put_str(&l, " (");
    put_dec(&l, count);
    put_str(&l, "), /sys/devices/system/cpu/online ");
    put_str(&l, r >= 0 ? online : "unreadable");
    put_str(&l, ", pagoda.harts ");
    if (expected >= 0) put_dec(&l, expected); else put_str(&l, "not given");
    flush(&l);

    if (sysfs_count != count) {
        l = fail_line("cpus");
        put_str(&l, "affinity mask and sysfs disagree");
        flush(&l);
    } else if (expected >= 0 && count != expected) {
        l = fail_line("cpus");
        put_dec(&l, count);
        put_str(&l, " online, expected ");
        put_dec(&l, expected);
        flush(&l);
    } else {
        l.len = 0;
        put_dec(&l, count);
        put_str(&l, " cpus online");
        ok(text(&l));
    }
}

static void check_memory(void)
{
    struct sysinfo info;
    memset(&info, 0, sizeof info);
    i64 r = SC1(SYS_sysinfo, &info);
    if (r < 0) {
        fail_errno("memory", "sysinfo", r);
        return;
    }
    u64 unit = info.mem_unit ? info.mem_unit : 1;
    u64 total = info.totalram * unit, free = info.freeram * unit;
    i64 expected_mib = cmdline_value("pagoda.mem");

    struct line l = { .len = 0 };
    put_str(&l, "init: memory: total ");
    put_dec(&l, (i64)(total >> 10));
    put_str(&l, " KiB, free ");
    put_dec(&l, (i64)(free >> 10));
    put_str(&l, " KiB, ");
    put_dec(&l, info.procs);
    put_str(&l, " processes");
    flush(&l);

    u64 expected = (u64)expected_mib << 20;
    if (free > total || total < (96ul << 20)) {
        l = fail_line("memory");
        put_str(&l, "implausible totals");
        flush(&l);
    } else if (expected_mib > 0 && (total > expected || total < expected - (expected >> 3))) {
        /* The kernel keeps its image and the firmware's region; it must see at least 7/8. */
        l = fail_line("memory");
        put_str(&l, "total RAM does not match pagoda.mem=");
        put_dec(&l, expected_mib);
        flush(&l);
    } else {
        ok("memory (sysinfo)");
    }
}

/* Fills SIZE bytes one word every 64 bytes with an address-derived pattern, then checks it. */
static int touch_and_verify(u64 *base, u64 size, u64 salt)
{
    u64 words = size / 8;
    for (u64 i = 0; i < words; i += 8) base[i] = (i * 0x9e3779b97f4a7c15ull) ^ salt;
    for (u64 i = 0; i < words; i += 8)
        if (base[i] != ((i * 0x9e3779b97f4a7c15ull) ^ salt)) return (int)(i / 512) + 1;
    return 0;
}

#define BIG (64ul << 20)

static void check_brk(void)
{
    u64 start = (u64)SC1(SYS_brk, 0);
    u64 want = (start + 4095) & ~4095ul;
    u64 end = (u64)SC1(SYS_brk, want + BIG);
    if (end != want + BIG) {
        struct line l = fail_line("brk");
        put_str(&l, "brk could not grow by 64 MiB");
        flush(&l);
        return;
    }
    int bad = touch_and_verify((u64 *)want, BIG, 0xb7cull);
    SC1(SYS_brk, start);
    if (bad) {
        struct line l = fail_line("brk 64 MiB demand paging");
        put_str(&l, "pattern wrong in page ");
        put_dec(&l, bad - 1);
        flush(&l);
    } else {
        ok("brk 64 MiB demand paging");
    }
}

static void check_mmap(void)
{
    i64 p = SC6(SYS_mmap, 0, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p < 0 && p > -4096) {
        fail_errno("mmap", "mmap", p);
        return;
    }
    int bad = touch_and_verify((u64 *)p, BIG, 0x3a9ull);
    i64 r = SC2(SYS_munmap, p, BIG);
    if (bad) {
        struct line l = fail_line("mmap 64 MiB demand paging");
        put_str(&l, "pattern wrong in page ");
        put_dec(&l, bad - 1);
        flush(&l);
    } else if (r < 0) {
        fail_errno("mmap 64 MiB demand paging", "munmap", r);
    } else {
        ok("mmap 64 MiB demand paging");
    }
}

static i64 fork_process(void)
{
    return SC6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
}

/* wait4 for PID; returns its exit code, or -1000 - raw status when it did not exit normally. */
static i64 wait_exit_code(i64 pid)
{
    int status = 0;
    i64 r = SC4(SYS_wait4, pid, &status, 0, 0);
    if (r != pid) return -2000 + r;
    if ((status & 0x7f) != 0) return -1000 - status;
    return (status >> 8) & 0xff;
}

static void check_fork_exec(char **envp)
{
    i64 pid = fork_process();
    if (pid == 0) {
        char *argv[] = { "/init", "child", "42", 0 };
        SC3(SYS_execve, "/init", argv, envp);
        SC1(SYS_exit_group, 99);
    }
    if (pid < 0) {
        fail_errno("fork and exec", "clone", pid);
        return;
    }
    i64 code = wait_exit_code(pid);
    if (code != 42) {
        struct line l = fail_line("fork and exec");
        put_str(&l, "child exit code ");
        put_dec(&l, code);
        put_str(&l, ", expected 42");
        flush(&l);
    } else {
        ok("fork, exec /init child, wait4 exit status 42");
    }
}

static int child_mode(char **argv)
{
    i64 pid = SC0(SYS_getpid), ppid = SC0(SYS_getppid);
    struct line l = { .len = 0 };
    put_str(&l, "init: child: pid ");
    put_dec(&l, pid);
    put_str(&l, ", parent ");
    put_dec(&l, ppid);
    flush(&l);
    if (pid == 1 || ppid != 1) return 98;
    i64 code = 0;
    for (const char *d = argv[2]; d && *d >= '0' && *d <= '9'; d++) code = code * 10 + (*d - '0');
    return (int)code;
}

#define PIPE_BYTES (256u << 10)

static u8 pipe_byte(u64 i, u64 salt) { return (u8)(i * 131 + (i >> 8) + salt); }

static int write_all(i64 fd, const u8 *data, u64 size)
{
    while (size) {
        i64 n = SC3(SYS_write, fd, data, size);
        if (n <= 0) return -1;
        data += n;
        size -= (u64)n;
    }
    return 0;
}

/* Reads SIZE bytes and checks them against pipe_byte(., SALT); 0 when all match. */
static int read_and_check(i64 fd, u64 size, u64 salt)
{
    static u8 buffer[4096];
    u64 seen = 0;
    while (seen < size) {
        u64 want = size - seen < sizeof buffer ? size - seen : sizeof buffer;
        i64 n = SC3(SYS_read, fd, buffer, want);
        if (n <= 0) return -1;
        for (i64 i = 0; i < n; i++)
            if (buffer[i] != pipe_byte(seen + (u64)i, salt)) return -2;
        seen += (u64)n;
    }
    return 0;
}

static void check_pipes(void)
{
    int down[2], up[2];
    i64 r1 = SC2(SYS_pipe2, down, 0), r2 = SC2(SYS_pipe2, up, 0);
    if (r1 < 0 || r2 < 0) {
        fail_errno("pipes", "pipe2", r1 < 0 ? r1 : r2);
        return;
    }
    i64 pid = fork_process();
    if (pid == 0) {
        /* Child: read what the parent sends, answer with a different pattern. */
        SC1(SYS_close, down[1]);
        SC1(SYS_close, up[0]);
        int r = read_and_check(down[0], PIPE_BYTES, 1);
        static u8 answer[PIPE_BYTES];
        for (u64 i = 0; i < PIPE_BYTES; i++) answer[i] = pipe_byte(i, 2);
        if (r == 0 && write_all(up[1], answer, PIPE_BYTES) != 0) r = -3;
        SC1(SYS_exit_group, r == 0 ? 0 : 10 - r);
    }
    if (pid < 0) {
        fail_errno("pipes", "clone", pid);
        return;
    }
    SC1(SYS_close, down[0]);
    SC1(SYS_close, up[1]);
    static u8 message[PIPE_BYTES];
    for (u64 i = 0; i < PIPE_BYTES; i++) message[i] = pipe_byte(i, 1);
    int sent = write_all(down[1], message, PIPE_BYTES);
    SC1(SYS_close, down[1]);
    int got = read_and_check(up[0], PIPE_BYTES, 2);
    SC1(SYS_close, up[0]);
    i64 code = wait_exit_code(pid);
    if (sent != 0 || got != 0 || code != 0) {
        struct line l = fail_line("pipes");
        put_str(&l, "parent write ");
        put_dec(&l, sent);
        put_str(&l, ", parent read ");
        put_dec(&l, got);
        put_str(&l, ", child exit ");
        put_dec(&l, code);
        flush(&l);
    } else {
        ok("pipes: 256 KiB each way between parent and child");
    }
}

/* --- Threads: one per CPU, each pinned to its CPU, counting with AMOs and LR/SC ---------------- */

#define MAX_THREADS 8
#define COUNTS 20000

struct worker {
    int index;
    int tid;              /* set by the kernel (CLONE_PARENT_SETTID), cleared at exit */
    int pinned;           /* 1: sched_setaffinity succeeded */
    u32 cpu;              /* getcpu() after pinning */
    u64 done;
};

static struct worker workers[MAX_THREADS];
static u8 stacks[MAX_THREADS][16384] __attribute__((aligned(16)));
static volatile int go;
static u32 amo_total;        /* amoadd.w */
static u64 lrsc_total;       /* lr.d / sc.d loop */

static void worker_main(void *arg)
{
    struct worker *w = arg;
    u64 mask = 1ul << w->index;
    w->pinned = SC3(SYS_sched_setaffinity, 0, sizeof mask, &mask) == 0;
    u32 cpu = ~0u;
    SC3(SYS_getcpu, &cpu, 0, 0);
    w->cpu = cpu;
    while (!go) __asm__ volatile("" ::: "memory");
    for (u64 i = 0; i < COUNTS; i++) {
        __atomic_fetch_add(&amo_total, 1, __ATOMIC_RELAXED);
        u64 old = __atomic_load_n(&lrsc_total, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&lrsc_total, &old, old + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        }
        w->done++;
    }
}

static void check_threads(void)
{
    int n = (int)(online_cpus > 0 ? online_cpus : 1);
    if (n > MAX_THREADS) n = MAX_THREADS;
    u64 flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    int started = 0;
    for (int i = 0; i < n; i++) {
        workers[i].index = i;
        long r = spawn_thread(flags, stacks[i] + sizeof stacks[i], &workers[i].tid, &workers[i].tid,
                              worker_main, &workers[i]);
        if (r < 0) {
            fail_errno("threads", "clone", r);
            break;
        }
        started++;
    }
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    /* Join: the kernel clears tid and wakes its futex when each thread exits. */
    for (int i = 0; i < started; i++) {
        int tid;
        while ((tid = __atomic_load_n(&workers[i].tid, __ATOMIC_ACQUIRE)) != 0)
            SC6(SYS_futex, &workers[i].tid, FUTEX_WAIT, tid, 0, 0, 0);
    }
    int pinned_ok = 1;
    u64 done = 0;
    struct line l = { .len = 0 };
    put_str(&l, "init: threads: ");
    put_dec(&l, started);
    put_str(&l, " threads ran on cpus");
    for (int i = 0; i < started; i++) {
        put_str(&l, " ");
        put_dec(&l, workers[i].cpu);
        if (!workers[i].pinned || workers[i].cpu != (u32)i) pinned_ok = 0;
        done += workers[i].done;
    }
    flush(&l);
    u64 expected = (u64)started * COUNTS;
    if (started != n || amo_total != expected || lrsc_total != expected || done != expected) {
        l = fail_line("threads");
        put_str(&l, "amoadd total ");
        put_dec(&l, amo_total);
        put_str(&l, ", lr/sc total ");
        put_dec(&l, (i64)lrsc_total);
        put_str(&l, ", expected ");
        put_dec(&l, (i64)expected);
        flush(&l);
    } else {
        l.len = 0;
        put_dec(&l, started);
        put_str(&l, " threads counted exactly with amoadd and lr/sc");
        ok(text(&l));
    }
    if (!pinned_ok) {
        l = fail_line("thread affinity");
        put_str(&l, "a thread did not run on the cpu it was pinned to");
        flush(&l);
    } else {
        ok("each thread ran on the cpu it was pinned to");
    }
}

/* --- The block device ------------------------------------------------------------------------- */

#define DISK_BYTES (64u << 10)
static u8 disk_out[DISK_BYTES] __attribute__((aligned(4096)));
static u8 disk_in[DISK_BYTES] __attribute__((aligned(4096)));

/* The pattern tools/linux-test.sh looks for: a header line, then byte i = (i * 7 + (i >> 9)) & 255. */
static const char disk_header[] = "pagoda linux /init disk pattern v1\n";

static void fill_disk_pattern(void)
{
    for (u64 i = 0; i < DISK_BYTES; i++) disk_out[i] = (u8)(i * 7 + (i >> 9));
    memcpy(disk_out, disk_header, sizeof disk_header - 1);
}

static void check_disk(void)
{
    i64 fd = SC4(SYS_openat, AT_FDCWD, "/dev/vda", O_RDWR, 0);
    if (fd < 0) {
        fail_errno("disk", "open /dev/vda", fd);
        return;
    }
    u64 size = 0;
    i64 r = SC3(SYS_ioctl, fd, BLKGETSIZE64, &size);
    struct line l = { .len = 0 };
    put_str(&l, "init: disk: /dev/vda ");
    put_dec(&l, r == 0 ? (i64)size : r);
    put_str(&l, " bytes");
    flush(&l);
    if (r != 0 || size < DISK_BYTES) {
        l = fail_line("disk");
        put_str(&l, "/dev/vda is smaller than the pattern");
        flush(&l);
        SC1(SYS_close, fd);
        return;
    }
    fill_disk_pattern();
    i64 w = SC4(SYS_pwrite64, fd, disk_out, DISK_BYTES, 0);
    i64 s = SC1(SYS_fsync, fd);
    i64 f = SC3(SYS_ioctl, fd, BLKFLSBUF, 0);
    SC1(SYS_close, fd);
    if (w != DISK_BYTES || s != 0 || f != 0) {
        l = fail_line("disk write");
        put_str(&l, "pwrite ");
        put_dec(&l, w);
        put_str(&l, ", fsync ");
        put_dec(&l, s);
        put_str(&l, ", BLKFLSBUF ");
        put_dec(&l, f);
        flush(&l);
        return;
    }
    ok("disk: 64 KiB written to /dev/vda, fsync, BLKFLSBUF");

    fd = SC4(SYS_openat, AT_FDCWD, "/dev/vda", O_RDONLY | O_DIRECT, 0);
    if (fd < 0) {
        fail_errno("disk read back", "open /dev/vda O_DIRECT", fd);
        return;
    }
    memset(disk_in, 0, DISK_BYTES);
    i64 n = SC4(SYS_pread64, fd, disk_in, DISK_BYTES, 0);
    SC1(SYS_close, fd);
    if (n != DISK_BYTES) {
        fail_errno("disk read back", "O_DIRECT pread", n);
    } else if (memcmp(disk_in, disk_out, DISK_BYTES) != 0) {
        l = fail_line("disk read back");
        put_str(&l, "data read with O_DIRECT differs from what was written");
        flush(&l);
    } else {
        ok("disk: read back with O_DIRECT matches");
    }
}

/* --- Timer and entropy -------------------------------------------------------------------------- */

static i64 now_ns(void)
{
    struct timespec t = { 0, 0 };
    SC2(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000 + t.tv_nsec;
}

static void check_sleep(void)
{
    struct timespec d = { 0, 20 * 1000 * 1000 };
    i64 before = now_ns();
    i64 r = SC2(SYS_nanosleep, &d, 0);
    i64 slept = now_ns() - before;
    if (r != 0 || slept < 20 * 1000 * 1000) {
        struct line l = fail_line("nanosleep 20 ms");
        put_str(&l, "returned ");
        put_dec(&l, r);
        put_str(&l, " after ");
        put_dec(&l, slept);
        put_str(&l, " ns");
        flush(&l);
    } else {
        ok("nanosleep 20 ms (timer interrupts)");
    }
}

static void check_hwrng(void)
{
    i64 fd = SC4(SYS_openat, AT_FDCWD, "/dev/hwrng", O_RDONLY, 0);
    if (fd < 0) {
        fail_errno("hwrng", "open /dev/hwrng", fd);
        return;
    }
    u8 bytes[32];
    memset(bytes, 0, sizeof bytes);
    i64 n = SC3(SYS_read, fd, bytes, sizeof bytes);
    SC1(SYS_close, fd);
    if (n == -ENODEV) {
        say("skip hwrng: no entropy device on this machine");
        return;
    }
    int nonzero = 0;
    for (i64 i = 0; i < n; i++) nonzero |= bytes[i];
    if (n <= 0 || !nonzero) {
        fail_errno("hwrng", "read /dev/hwrng", n);
    } else {
        struct line l = { .len = 0 };
        put_str(&l, "hwrng: read ");
        put_dec(&l, n);
        put_str(&l, " bytes from /dev/hwrng");
        ok(text(&l));
    }
}

/* --- Entry ---------------------------------------------------------------------------------------- */

static void power_off(void)
{
    i64 r = SC4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0);
    struct line l = { .len = 0 };
    put_str(&l, "init: power off failed: reboot returned ");
    put_dec(&l, r);
    flush(&l);
    for (;;) {
        struct timespec d = { 1, 0 };
        SC2(SYS_nanosleep, &d, 0);
    }
}

int init_main(u64 *sp)
{
    i64 argc = (i64)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;

    if (argc >= 3 && str_eq(argv[1], "child")) SC1(SYS_exit_group, child_mode(argv));

    say("Pagoda Linux /init");
    mount_filesystems();
    if (read_file("/proc/cmdline", cmdline, sizeof cmdline) < 0) {
        struct line l = fail_line("cmdline");
        put_str(&l, "/proc/cmdline unreadable");
        flush(&l);
    } else {
        struct line l = { .len = 0 };
        put_str(&l, "init: cmdline: ");
        put_str(&l, cmdline);
        flush(&l);
    }

    check_cpus();
    check_memory();
    check_sleep();
    check_brk();
    check_mmap();
    check_fork_exec(envp);
    check_pipes();
    check_threads();
    check_disk();
    check_hwrng();

    if (failures == 0) {
        say("all checks passed");
    } else {
        struct line l = { .len = 0 };
        put_str(&l, "init: ");
        put_dec(&l, failures);
        put_str(&l, " checks failed");
        flush(&l);
    }
    power_off();
    return 0;
}
