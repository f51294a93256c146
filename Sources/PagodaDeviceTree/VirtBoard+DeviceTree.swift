/// The board's device tree.
///
/// The nodes follow the Devicetree Specification v0.4 chapter 3 (root, `/chosen`,
/// `/memory`, `/cpus`) and the Linux bindings of each device: `riscv/cpus.yaml`,
/// `interrupt-controller/riscv,cpu-intc.yaml`, `timer/sifive,clint.yaml`,
/// `interrupt-controller/sifive,plic-1.0.0.yaml`, `serial/8250.yaml`,
/// `power/reset/syscon-poweroff.yaml`, `syscon-reboot.yaml` and `virtio/mmio.yaml`.
extension VirtBoard {
    /// The path of the console, the value of `/chosen/stdout-path`.
    public static var consolePath: String { "/soc/serial@\(hex(uartBase))" }

    /// The interrupt numbers of a hart's local interrupt controller (the bits of
    /// `mip`, RISC-V Privileged Architecture section 3.1.9) that the devices use.
    private enum LocalInterrupt {
        static let machineSoftware: UInt32 = 3
        static let machineTimer: UInt32 = 7
        static let supervisorExternal: UInt32 = 9
        static let machineExternal: UInt32 = 11
    }

    /// Phandles, numbered from 1 in the order the tree is built.
    private struct Phandles {
        let cpus: [UInt32]
        let cpuInterruptControllers: [UInt32]
        let plic: UInt32
        let test: UInt32

        init(harts: Int) {
            let harts = UInt32(harts)
            cpus = (0..<harts).map { 1 + 2 * $0 }
            cpuInterruptControllers = (0..<harts).map { 2 + 2 * $0 }
            plic = 1 + 2 * harts
            test = 2 + 2 * harts
        }
    }

    /// The tree `deviceTreeBlob()` flattens. It describes at most `maximumHarts` harts.
    public func deviceTree() -> FlattenedDeviceTree {
        let phandles = Phandles(harts: min(max(harts, 0), Self.maximumHarts))
        let root = DeviceTreeNode(
            "",
            properties: [
                .u32("#address-cells", 2),
                .u32("#size-cells", 2),
                .strings("compatible", ["pagoda,virt", "riscv-virtio"]),
                .string("model", "pagoda,virt"),
            ],
            children: [
                chosenNode(),
                memoryNode(),
            ] + reservedMemoryNode() + [
                cpusNode(phandles),
                socNode(phandles),
                DeviceTreeNode("poweroff", properties: [
                    .string("compatible", "syscon-poweroff"),
                    .phandles("regmap", [phandles.test]),
                    .u32("offset", 0),
                    .u32("value", Self.testPowerOffValue),
                ]),
                DeviceTreeNode("reboot", properties: [
                    .string("compatible", "syscon-reboot"),
                    .phandles("regmap", [phandles.test]),
                    .u32("offset", 0),
                    .u32("value", Self.testResetValue),
                ]),
            ]
        )
        return FlattenedDeviceTree(root: root, bootCPUID: 0)
    }

    /// Section 3.6: the command line, the console and the initial ramdisk.
    private func chosenNode() -> DeviceTreeNode {
        var properties: [DeviceTreeProperty] = []
        if !bootargs.isEmpty {
            properties.append(.string("bootargs", bootargs))
        }
        properties.append(.string("stdout-path", Self.consolePath))
        if let initrd {
            properties.append(.u64("linux,initrd-start", initrd.lowerBound))
            properties.append(.u64("linux,initrd-end", initrd.upperBound &+ 1))
        }
        return DeviceTreeNode("chosen", properties: properties)
    }

    /// Section 3.4: one memory node for the single bank of RAM.
    private func memoryNode() -> DeviceTreeNode {
        DeviceTreeNode("memory@\(Self.hex(memoryBase))", properties: [
            .string("device_type", "memory"),
            .u64s("reg", [memoryBase, memorySize]),
        ])
    }

    /// Section 3.5: firmware memory the kernel must neither use nor map.
    private func reservedMemoryNode() -> [DeviceTreeNode] {
        guard !reservedMemory.isEmpty else { return [] }
        let regions = reservedMemory.map { range in
            DeviceTreeNode("mmode_resv@\(Self.hex(range.lowerBound))", properties: [
                .u64s("reg", [range.lowerBound, range.upperBound - range.lowerBound + 1]),
                .empty("no-map"),
            ])
        }
        return [DeviceTreeNode("reserved-memory", properties: [
            .u32("#address-cells", 2),
            .u32("#size-cells", 2),
            .empty("ranges"),
        ], children: regions)]
    }

    /// Sections 3.7 and 3.8 and the RISC-V `cpus` binding: a node per hart with
    /// its local interrupt controller, and a `cpu-map` with one core per hart.
    private func cpusNode(_ phandles: Phandles) -> DeviceTreeNode {
        let parsedISA = RISCVISAString(isa)
        var cpus: [DeviceTreeNode] = []
        for hart in phandles.cpus.indices {
            var properties: [DeviceTreeProperty] = [
                .string("device_type", "cpu"),
                .u32("reg", UInt32(hart)),
                .string("status", "okay"),
                .string("compatible", "riscv"),
                .string("riscv,isa", isa),
            ]
            if let parsedISA {
                properties.append(.string("riscv,isa-base", parsedISA.base))
                properties.append(.strings("riscv,isa-extensions", parsedISA.extensions))
            }
            properties.append(.string("mmu-type", mmuType))
            // Pagoda's base/limit relocation: satp.MODE 14 with the sbase and sbound CSRs.
            properties.append(.u32("pagoda,base-limit-satp-mode", Self.baseLimitSATPMode))
            properties.append(.cells("pagoda,base-limit-csrs", [Self.sbaseCSR, Self.sboundCSR]))
            properties.append(.phandle(phandles.cpus[hart]))
            let interruptController = DeviceTreeNode("interrupt-controller", properties: [
                .string("compatible", "riscv,cpu-intc"),
                .u32("#interrupt-cells", 1),
                .empty("interrupt-controller"),
                .phandle(phandles.cpuInterruptControllers[hart]),
            ])
            cpus.append(DeviceTreeNode("cpu@\(Self.hex(UInt64(hart)))", properties: properties,
                                       children: [interruptController]))
        }

        let cores = phandles.cpus.indices.map { hart in
            DeviceTreeNode("core\(hart)", properties: [.phandles("cpu", [phandles.cpus[hart]])])
        }
        let cpuMap = DeviceTreeNode("cpu-map", children: [DeviceTreeNode("cluster0", children: cores)])

        return DeviceTreeNode(
            "cpus",
            properties: [
                .u32("#address-cells", 1),
                .u32("#size-cells", 0),
                .u32("timebase-frequency", timebaseFrequency),
            ],
            children: cpus + [cpuMap]
        )
    }

    /// The devices, on a bus that maps addresses one to one (`ranges;`).
    private func socNode(_ phandles: Phandles) -> DeviceTreeNode {
        let intcs = phandles.cpuInterruptControllers
        let test = DeviceTreeNode("test@\(Self.hex(Self.testBase))", properties: [
            .strings("compatible", ["sifive,test1", "sifive,test0", "syscon"]),
            .u64s("reg", [Self.testBase, Self.testSize]),
            .phandle(phandles.test),
        ])
        // Each hart's machine software and timer interrupts.
        let clint = DeviceTreeNode("clint@\(Self.hex(Self.clintBase))", properties: [
            .strings("compatible", ["sifive,clint0", "riscv,clint0"]),
            .u64s("reg", [Self.clintBase, Self.clintSize]),
            .phandles("interrupts-extended", intcs.flatMap {
                [$0, LocalInterrupt.machineSoftware, $0, LocalInterrupt.machineTimer]
            }),
        ])
        // Context 2h is hart h's M-mode external interrupt, context 2h+1 its S-mode one.
        let plic = DeviceTreeNode("plic@\(Self.hex(Self.plicBase))", properties: [
            .strings("compatible", ["sifive,plic-1.0.0", "riscv,plic0"]),
            .u64s("reg", [Self.plicBase, Self.plicSize(harts: intcs.count)]),
            .phandles("interrupts-extended", intcs.flatMap {
                [$0, LocalInterrupt.machineExternal, $0, LocalInterrupt.supervisorExternal]
            }),
            .u32("riscv,ndev", Self.plicSourceCount),
            .u32("#interrupt-cells", 1),
            .u32("#address-cells", 0),
            .empty("interrupt-controller"),
            .phandle(phandles.plic),
        ])
        let serial = DeviceTreeNode("serial@\(Self.hex(Self.uartBase))", properties: [
            .string("compatible", "ns16550a"),
            .u64s("reg", [Self.uartBase, Self.uartSize]),
            .u32("clock-frequency", Self.uartClockFrequency),
            .phandles("interrupt-parent", [phandles.plic]),
            .u32("interrupts", Self.uartInterrupt),
        ])
        // Pagoda's hart mailbox: releases held harts (START, ARG, STATE, DOORBELL per hart).
        let mailbox = DeviceTreeNode("mailbox@\(Self.hex(Self.mailboxBase))", properties: [
            .string("compatible", "pagoda,hart-mailbox"),
            .u64s("reg", [Self.mailboxBase, Self.mailboxSize]),
        ])
        // Every virtio-mmio slot, occupied or not, as QEMU lists them (a driver probes an
        // empty slot and finds DeviceID 0). In address order, so that Linux, which probes
        // in tree order, names the first --drive vda.
        let virtio = (0..<Self.virtioSlots).map { slot in
            let base = Self.virtioBase + UInt64(slot) * Self.virtioSize
            return DeviceTreeNode("virtio_mmio@\(Self.hex(base))", properties: [
                .string("compatible", "virtio,mmio"),
                .u64s("reg", [base, Self.virtioSize]),
                .phandles("interrupt-parent", [phandles.plic]),
                .u32("interrupts", Self.virtioInterrupt(slot: slot)),
            ])
        }
        return DeviceTreeNode(
            "soc",
            properties: [
                .u32("#address-cells", 2),
                .u32("#size-cells", 2),
                .string("compatible", "simple-bus"),
                .empty("ranges"),
            ],
            children: [test, mailbox, clint, plic, serial] + virtio
        )
    }

    /// A unit address: lowercase hexadecimal without leading zeros (section 2.2.1.1).
    private static func hex(_ value: UInt64) -> String {
        String(value, radix: 16)
    }
}
