/* The Base extension (EID 0x10), SBI 2.0 chapter 4. */
#include "sbi.h"

int extension_present(u64 eid) {
  switch (eid) {
  case EXT_LEGACY_SET_TIMER: case EXT_LEGACY_PUTCHAR: case EXT_LEGACY_GETCHAR:
  case EXT_LEGACY_SHUTDOWN:
  case EXT_BASE: case EXT_TIME: case EXT_IPI: case EXT_RFENCE: case EXT_HSM:
  case EXT_SRST: case EXT_DBCN:
    return 1;
  }
  return 0;
}

struct sbiret sbi_base(u64 fid, struct trap_frame *f) {
  switch (fid) {
  case 0: return (struct sbiret){ SBI_SUCCESS, SBI_SPEC_VERSION };           /* get_spec_version */
  case 1: return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_ID };                /* get_impl_id */
  case 2: return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_VERSION };           /* get_impl_version */
  case 3: return (struct sbiret){ SBI_SUCCESS, (u64)extension_present(REG_A(f, 0)) }; /* probe_extension */
  case 4: return (struct sbiret){ SBI_SUCCESS, csr_read(mvendorid) };       /* get_mvendorid */
  case 5: return (struct sbiret){ SBI_SUCCESS, csr_read(marchid) };         /* get_marchid */
  case 6: return (struct sbiret){ SBI_SUCCESS, csr_read(mimpid) };          /* get_mimpid */
  }
  return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
