/* A fork tree (MOS 4th ed. 2.1.2 "Process Creation", 3.5.5 "Shared
   Pages": copy-on-write): every process
   down to depth=D forks two children; each child changes a global and a heap value it
   shares copy-on-write with its parent, checks its parent's values did not change, and
   exits with the number of processes in its subtree. */
#include "lib/ulib.h"

static long shared_value = 1000;

static int tree(int depth, long *heap) {
  if (depth == 0) return 1;
  int count = 1, bad = 0;
  long before = shared_value, heap_before = *heap;
  for (int k = 0; k < 2; k++) {
    int pid = fork();
    if (pid == 0) {
      shared_value = shared_value * 2 + k;
      *heap = *heap * 3 + k;
      exit(tree(depth - 1, heap));
    }
    if (pid < 0) { printf("forktree: fork failed\n"); return -100; }
  }
  for (int k = 0; k < 2; k++) {
    int status = 0;
    if (wait(&status) > 0) count += status;
  }
  if (shared_value != before || *heap != heap_before) bad = 1;
  return bad ? -1000 : count;
}

int main(const char *args) {
  int depth = (int)arg_long(args, "depth", 3);
  long *heap = malloc(64);
  *heap = 7;
  int n = tree(depth, heap);
  int want = (1 << (depth + 1)) - 1;
  printf("forktree: %d processes, want %d, %s\n", n, want, n == want ? "ok" : "WRONG");
  return n != want;
}
