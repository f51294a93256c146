import ArgumentParser

@main
struct PagodaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pagoda",
        abstract: "A cycle-approximate multi-core RISC-V (RV64IMAC) machine emulator.",
        discussion: """
            Pagoda emulates an RV64 machine on the memory map of QEMU's virt board: boot ROM \
            at 0x1000, SiFive test device at 0x100000, CLINT at 0x2000000, PLIC at 0xC000000, \
            UART 16550 at 0x10000000, RAM at 0x80000000.
            """,
        subcommands: [RunCommand.self, DisasmCommand.self, ReportCommand.self],
        defaultSubcommand: nil
    )
}
