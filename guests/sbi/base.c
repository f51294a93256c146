/* SBI Base extension (SBI 2.0 chapter 4) under Pagoda's firmware: every function,
   probe_extension of each extension the firmware has and of absent ones, and
   NOT_SUPPORTED for an unknown extension and an unknown function. QEMU-SKIP */
#include "sbi_rt.h"

int main(void) {
  struct sbiret r = SBI0(EXT_BASE, 0);
  check("get_spec_version is 2.0", (uint64_t)r.value, 2UL << 24);
  check("get_spec_version error", (uint64_t)r.error, 0);
  r = SBI0(EXT_BASE, 1);
  check("get_impl_id is PGDA", (uint64_t)r.value, 0x50474441);
  r = SBI0(EXT_BASE, 2);
  check("get_impl_version is 1.0", (uint64_t)r.value, 0x10000);
  uint64_t present[] = { 0x00, 0x01, 0x02, 0x08, EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE,
                         EXT_HSM, EXT_SRST, EXT_DBCN };
  for (unsigned i = 0; i < sizeof present / sizeof present[0]; i++) {
    r = SBI1(EXT_BASE, 3, present[i]);
    check("probe_extension: present", (uint64_t)r.value, 1);
    check("probe_extension: no error", (uint64_t)r.error, 0);
  }
  uint64_t absent[] = { 0x03, 0x04, 0x05, 0x06, 0x07, 0x504D55 /* PMU */, 0x535553 /* SUSP */,
                        0x43505043 /* CPPC */, 0x12345678 };
  for (unsigned i = 0; i < sizeof absent / sizeof absent[0]; i++) {
    r = SBI1(EXT_BASE, 3, absent[i]);
    check("probe_extension: absent", (uint64_t)r.value, 0);
  }
  /* Pagoda's mvendorid, marchid and mimpid read 0 (not implemented). */
  r = SBI0(EXT_BASE, 4);
  check("get_mvendorid", (uint64_t)r.value, 0);
  check("get_mvendorid error", (uint64_t)r.error, 0);
  r = SBI0(EXT_BASE, 5);
  check("get_marchid", (uint64_t)r.value, 0);
  r = SBI0(EXT_BASE, 6);
  check("get_mimpid", (uint64_t)r.value, 0);
  r = SBI0(EXT_BASE, 7);
  check("unknown base function", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  r = SBI0(0x12345678, 0);
  check("unknown extension", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  r = SBI0(EXT_TIME, 1);
  check("unknown TIME function", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  r = SBI0(EXT_RFENCE, 3);
  check("hypervisor fence not supported", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  r = SBI0(EXT_DBCN, 3);
  check("unknown DBCN function", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  return finish("sbi/base");
}
