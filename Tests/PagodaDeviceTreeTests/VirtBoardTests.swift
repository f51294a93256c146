import Foundation
import XCTest
@testable import PagodaDeviceTree

final class VirtBoardTests: XCTestCase {
    /// dtc 1.6.1 asks every interrupt provider for `#address-cells`; later releases (1.7.0 on)
    /// dropped that check, and the Linux binding of the hart-local controller
    /// (`riscv,cpu-intc.yaml`, `additionalProperties: false`) does not allow the property.
    private let decompileFlags = ["-I", "dtb", "-O", "dts", "-W", "no-interrupt_provider"]

    private func board(harts: Int) -> VirtBoard {
        VirtBoard(harts: harts, memorySize: 256 << 20, bootargs: "console=ttyS0 earlycon")
    }

    /// A list of cells as dtc prints it: `<0x02 0x0b>`.
    private func cellsText(_ cells: [UInt32]) -> String {
        "<" + cells.map { value in
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 2 - digits.count)) + digits
        }.joined(separator: " ") + ">"
    }

    private func decompile(_ blob: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try DeviceTreeCompiler().run(decompileFlags, input: Data(blob))
        XCTAssertEqual(result.status, 0, "dtc failed: \(result.diagnostics)", file: file, line: line)
        XCTAssertEqual(result.diagnostics, "", "dtc complained", file: file, line: line)
        return String(decoding: result.output, as: UTF8.self)
    }

    func testOneHartDecompilesCleanly() throws {
        let text = try decompile(board(harts: 1).deviceTreeBlob())
        for expected in [
            "#address-cells = <0x02>;",
            "compatible = \"pagoda,virt\\0riscv-virtio\";",
            "model = \"pagoda,virt\";",
            "chosen {",
            "bootargs = \"console=ttyS0 earlycon\";",
            "stdout-path = \"/soc/serial@10000000\";",
            "memory@80000000 {",
            "device_type = \"memory\";",
            "reg = <0x00 0x80000000 0x00 0x10000000>;",
            "timebase-frequency = <0x989680>;",
            "cpu@0 {",
            "device_type = \"cpu\";",
            "status = \"okay\";",
            "compatible = \"riscv\";",
            "riscv,isa = \"rv64imac_zicsr_zifencei\";",
            "riscv,isa-base = \"rv64i\";",
            "riscv,isa-extensions = \"i\\0m\\0a\\0c\\0zicsr\\0zifencei\";",
            "mmu-type = \"riscv,sv39\";",
            "compatible = \"riscv,cpu-intc\";",
            "#interrupt-cells = <0x01>;",
            "interrupt-controller;",
            "cpu-map {",
            "core0 {",
            "compatible = \"simple-bus\";",
            "ranges;",
            "clint@2000000 {",
            "compatible = \"sifive,clint0\\0riscv,clint0\";",
            "reg = <0x00 0x2000000 0x00 0x10000>;",
            "interrupts-extended = \(cellsText([2, 3, 2, 7]));",
            "plic@c000000 {",
            "compatible = \"sifive,plic-1.0.0\\0riscv,plic0\";",
            "reg = <0x00 0xc000000 0x00 0x600000>;",
            "interrupts-extended = \(cellsText([2, 11, 2, 9]));",
            "riscv,ndev = <0x5f>;",
            "serial@10000000 {",
            "compatible = \"ns16550a\";",
            "reg = <0x00 0x10000000 0x00 0x100>;",
            "interrupts = <0x0a>;",
            "test@100000 {",
            "compatible = \"sifive,test1\\0sifive,test0\\0syscon\";",
            "reg = <0x00 0x100000 0x00 0x1000>;",
            "compatible = \"syscon-poweroff\";",
            "value = <0x5555>;",
            "compatible = \"syscon-reboot\";",
            "value = <0x7777>;",
        ] {
            XCTAssertTrue(text.contains(expected), "missing \(expected)")
        }
        XCTAssertFalse(text.contains("cpu@1"))
        XCTAssertFalse(text.contains("linux,initrd"))
    }

    func testFourHartsDecompileCleanly() throws {
        let text = try decompile(board(harts: 4).deviceTreeBlob())
        for hart in 0..<4 {
            XCTAssertTrue(text.contains("cpu@\(hart) {"), "missing cpu@\(hart)")
            XCTAssertTrue(text.contains("core\(hart) {"), "missing core\(hart)")
        }
        XCTAssertFalse(text.contains("cpu@4"))
        // The hart-local controllers are phandles 2, 4, 6, 8.
        let intcs: [UInt32] = [2, 4, 6, 8]
        XCTAssertTrue(text.contains("interrupts-extended = \(cellsText(intcs.flatMap { [$0, 3, $0, 7] }));"))
        XCTAssertTrue(text.contains("interrupts-extended = \(cellsText(intcs.flatMap { [$0, 11, $0, 9] }));"))
    }

    /// The blob passes all of dtc's checks and compiling dtc's decompilation gives the same bytes back.
    func testRoundTripsThroughDTC() throws {
        let compiler = try DeviceTreeCompiler()
        for harts in [1, 4] {
            var board = board(harts: harts)
            board.initrd = 0x8400_0000...0x8412_3456
            let blob = board.deviceTreeBlob()
            let source = try compiler.run(decompileFlags, input: Data(blob))
            XCTAssertEqual(source.diagnostics, "")
            // Decompiled source names phandles by number rather than by &label, which dtc's
            // source-level interrupts-extended check reports; QEMU's own tree does the same.
            let recompiled = try compiler.run(
                ["-I", "dts", "-O", "dtb", "-W", "no-interrupt_provider", "-W", "no-interrupts_extended_property"],
                input: source.output
            )
            XCTAssertEqual(recompiled.status, 0, recompiled.diagnostics)
            XCTAssertEqual(recompiled.diagnostics, "")
            XCTAssertEqual([UInt8](recompiled.output), blob, "\(harts) harts")
        }
    }

    func testInitrdInChosen() throws {
        var board = board(harts: 1)
        board.initrd = 0x8400_0000...0x8400_0FFF
        let chosen = try XCTUnwrap(board.deviceTree().root.node(at: "/chosen"))
        XCTAssertEqual(chosen.property("linux,initrd-start"), .u64("linux,initrd-start", 0x8400_0000))
        // linux,initrd-end is one past the last byte.
        XCTAssertEqual(chosen.property("linux,initrd-end"), .u64("linux,initrd-end", 0x8400_1000))
        let text = try decompile(board.deviceTreeBlob())
        XCTAssertTrue(text.contains("linux,initrd-start = <0x00 0x84000000>;"))
        XCTAssertTrue(text.contains("linux,initrd-end = <0x00 0x84001000>;"))
    }

    func testEmptyBootargsAreLeftOut() {
        let chosen = VirtBoard(harts: 1, memorySize: 1 << 27).deviceTree().root.node(at: "chosen")
        XCTAssertNil(chosen?.property("bootargs"))
        XCTAssertNotNil(chosen?.property("stdout-path"))
    }

    func testSerialWiring() throws {
        let tree = board(harts: 2).deviceTree().root
        let serial = try XCTUnwrap(tree.node(at: VirtBoard.consolePath))
        let plic = try XCTUnwrap(tree.node(at: "/soc/plic@c000000"))
        XCTAssertEqual(serial.property("clock-frequency"), .u32("clock-frequency", 3_686_400))
        XCTAssertEqual(serial.property("interrupt-parent")?.value, plic.property("phandle")?.value)
        XCTAssertEqual(serial.property("interrupts"), .u32("interrupts", 10))
    }

    /// All eight virtio-mmio slots of QEMU's virt board, in address order, each on its
    /// own PLIC source (slot n: 0x10001000 + 0x1000 n, source n + 1).
    func testVirtioSlots() throws {
        let tree = board(harts: 1).deviceTree().root
        let plic = try XCTUnwrap(tree.node(at: "/soc/plic@c000000")?.property("phandle"))
        let soc = try XCTUnwrap(tree.node(at: "/soc"))
        let names = soc.children.map(\.name).filter { $0.hasPrefix("virtio_mmio@") }
        XCTAssertEqual(names, (0..<8).map { "virtio_mmio@1000\($0 + 1)000" })
        for slot in 0..<8 {
            let base = 0x1000_1000 + UInt64(slot) * 0x1000
            let node = try XCTUnwrap(tree.node(at: "/soc/virtio_mmio@\(String(base, radix: 16))"))
            XCTAssertEqual(node.property("compatible"), .string("compatible", "virtio,mmio"))
            XCTAssertEqual(node.property("reg"), .u64s("reg", [base, 0x1000]))
            XCTAssertEqual(node.property("interrupts"), .u32("interrupts", UInt32(slot + 1)))
            XCTAssertEqual(node.property("interrupt-parent")?.value, plic.value)
        }
        let text = try decompile(board(harts: 1).deviceTreeBlob())
        XCTAssertTrue(text.contains("virtio_mmio@10008000 {"))
        XCTAssertTrue(text.contains("compatible = \"virtio,mmio\";"))
        XCTAssertTrue(text.contains("reg = <0x00 0x10001000 0x00 0x1000>;"))
    }

    func testSysconNodesPointAtTheTestDevice() throws {
        let tree = board(harts: 1).deviceTree().root
        let test = try XCTUnwrap(tree.node(at: "/soc/test@100000")?.property("phandle"))
        XCTAssertEqual(tree.node(at: "/poweroff")?.property("regmap")?.value, test.value)
        XCTAssertEqual(tree.node(at: "/reboot")?.property("regmap")?.value, test.value)
    }

    func testPhandlesAreUnique() {
        var phandles: [[UInt8]] = []
        func collect(_ node: DeviceTreeNode) {
            if let phandle = node.property("phandle") { phandles.append(phandle.value) }
            node.children.forEach(collect)
        }
        collect(board(harts: 8).deviceTree().root)
        XCTAssertEqual(phandles.count, 2 * 8 + 2)
        XCTAssertEqual(Set(phandles).count, phandles.count)
    }

    func testGeneratedTreeHasNoProblems() {
        XCTAssertEqual(board(harts: 4).deviceTree().problems(), [])
    }

    func testHeaderOfBoardBlob() throws {
        let blob = board(harts: 4).deviceTreeBlob()
        let header = try BlobReader(blob: blob).header()
        XCTAssertEqual(header.magic, 0xD00D_FEED)
        XCTAssertEqual(header.version, 17)
        XCTAssertEqual(header.lastCompatibleVersion, 16)
        XCTAssertEqual(header.bootCPUID, 0)
        XCTAssertEqual(Int(header.totalSize), blob.count)
        XCTAssertEqual(header.reservationsOffset % 8, 0)
        XCTAssertEqual(header.structureOffset % 4, 0)
        XCTAssertEqual(try BlobReader(blob: blob).tree(), board(harts: 4).deviceTree().root)
    }

    func testPLICSize() {
        XCTAssertEqual(VirtBoard.plicSize(harts: 1), 0x60_0000)
        XCTAssertEqual(VirtBoard.plicSize(harts: 512), 0x60_0000)
        XCTAssertEqual(VirtBoard.plicSize(harts: 513), 0x60_2000)
        XCTAssertEqual(VirtBoard.plicSize(harts: 100_000), 0x400_0000)
        XCTAssertEqual(VirtBoard.plicSize(harts: Int.max), 0x400_0000)
        XCTAssertEqual(VirtBoard.plicSize(harts: -1), 0x60_0000)
    }

    func testDeviceTreeAddressIsTopOfMemoryAlignedTo2MiB() {
        let board = VirtBoard(harts: 1, memorySize: 128 << 20)
        XCTAssertEqual(board.deviceTreeAddress(blobSize: 0x1200), 0x87E0_0000)
        XCTAssertEqual(board.deviceTreeAddress(blobSize: 0x20_0000), 0x87E0_0000)
        XCTAssertEqual(board.deviceTreeAddress(blobSize: 0x20_0001), 0x87C0_0000)
        XCTAssertEqual(VirtBoard(harts: 1, memorySize: 0x10_0000).deviceTreeAddress(blobSize: 0x1000), 0x8000_0000)
        // Aligning down would leave memory.
        let unaligned = VirtBoard(harts: 1, memoryBase: 0x8010_0000, memorySize: 0x10_0000)
        XCTAssertNil(unaligned.deviceTreeAddress(blobSize: 0x1000))
        XCTAssertNil(board.deviceTreeAddress(blobSize: 0x800_0001))
        XCTAssertNil(board.deviceTreeAddress(blobSize: -1))
        XCTAssertNil(VirtBoard(harts: 1, memoryBase: .max, memorySize: 0x1000).deviceTreeAddress(blobSize: 16))
    }

    func testValidConfigurationPasses() throws {
        try board(harts: 1).validate()
        try VirtBoard(harts: VirtBoard.maximumHarts, memorySize: 1 << 30, isa: "rv64gc", mmuType: "riscv,sv48",
                      initrd: 0x8000_0000...0xBFFF_FFFF).validate()
    }

    func testInvalidConfigurationsAreRejected() {
        let good = board(harts: 2)
        func rejection(_ change: (inout VirtBoard) -> Void) -> VirtBoard.ConfigurationError? {
            var board = good
            change(&board)
            do {
                try board.validate()
                return nil
            } catch {
                XCTAssertFalse(error.description.isEmpty)
                return error
            }
        }
        XCTAssertEqual(rejection { $0.harts = 0 }, .hartCount(0))
        XCTAssertEqual(rejection { $0.harts = -3 }, .hartCount(-3))
        XCTAssertEqual(rejection { $0.harts = VirtBoard.maximumHarts + 1 }, .hartCount(VirtBoard.maximumHarts + 1))
        XCTAssertEqual(rejection { $0.memorySize = 0 }, .memory(base: 0x8000_0000, size: 0))
        XCTAssertEqual(rejection { $0.memorySize = 0x1234 }, .memory(base: 0x8000_0000, size: 0x1234))
        XCTAssertEqual(rejection { $0.memoryBase = .max - 0xFFF }, .memory(base: .max - 0xFFF, size: 256 << 20))
        XCTAssertEqual(rejection { $0.isa = "rv32imac" }, .isa("rv32imac"))
        XCTAssertEqual(rejection { $0.isa = "arm64" }, .isa("arm64"))
        XCTAssertEqual(rejection { $0.mmuType = "sv39" }, .mmuType("sv39"))
        XCTAssertEqual(rejection { $0.timebaseFrequency = 0 }, .timebaseFrequency)
        XCTAssertEqual(rejection { $0.bootargs = "a\u{0}b" }, .bootargs)
        XCTAssertEqual(rejection { $0.initrd = 0x1000...0x1FFF }, .initrd(0x1000...0x1FFF))
        XCTAssertEqual(rejection { $0.initrd = 0x8FFF_F000...0x9000_0000 }, .initrd(0x8FFF_F000...0x9000_0000))
        XCTAssertEqual(rejection { $0.initrd = 0x8000_0000...UInt64.max }, .initrd(0x8000_0000...UInt64.max))
    }

    /// Whatever the fields hold, building the blob must not trap.
    func testNonsenseConfigurationsStillBuild() throws {
        for harts in [0, -1, Int.min, Int.max] {
            let blob = VirtBoard(harts: harts, memoryBase: .max, memorySize: .max, isa: "", mmuType: "",
                                 timebaseFrequency: 0, initrd: 0...UInt64.max).deviceTreeBlob()
            XCTAssertNoThrow(try BlobReader(blob: blob).tree())
        }
        let tree = VirtBoard(harts: 1, memorySize: 1 << 20, isa: "not an isa").deviceTree().root
        XCTAssertNil(tree.node(at: "/cpus/cpu@0")?.property("riscv,isa-extensions"))
        XCTAssertEqual(tree.node(at: "/cpus/cpu@0")?.property("riscv,isa"), .string("riscv,isa", "not an isa"))
    }
}
