// swift-tools-version:6.0
import PackageDescription

// The machine's slow paths (translation, devices) touch class state that Swift checks
// for exclusive access at run time; release builds leave the check out (debug builds,
// which the tests run, keep it).
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Pagoda",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pagoda", targets: ["pagoda"]),
        .library(name: "PagodaMachine", targets: ["PagodaMachine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // libelf from the system (Debian: libelf-dev).
        .systemLibrary(
            name: "CLibELF",
            pkgConfig: "libelf",
            providers: [.apt(["libelf-dev"])]
        ),
        // Instruction formats, decoding (including compressed expansion), CSR names, disassembly.
        .target(name: "PagodaISA"),
        // Memory-mapped devices of the virt board: UART 16550, CLINT, PLIC, SiFive test device.
        .target(name: "PagodaDevices", swiftSettings: releaseSettings),
        // The flattened device tree (DTB) that describes the machine to the kernel.
        .target(name: "PagodaDeviceTree"),
        // The machine: harts, CSRs, traps, MMU and PMP, the bus, the board and its device tree.
        .target(name: "PagodaMachine", dependencies: ["PagodaISA", "PagodaDevices", "PagodaDeviceTree", "PagodaLoader"],
                swiftSettings: releaseSettings),
        // ELF loading through libelf.
        .target(name: "PagodaLoader", dependencies: ["CLibELF"]),
        // Debugging: the GDB remote stub and instruction traces.
        .target(name: "PagodaDebug", dependencies: ["PagodaMachine", "PagodaISA"]),
        // The command line.
        .executableTarget(
            name: "pagoda",
            dependencies: [
                "PagodaMachine", "PagodaLoader", "PagodaDebug",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PagodaISATests", dependencies: ["PagodaISA"]),
        .testTarget(name: "PagodaDevicesTests", dependencies: ["PagodaDevices"]),
        .testTarget(name: "PagodaDeviceTreeTests", dependencies: ["PagodaDeviceTree"]),
        .testTarget(name: "PagodaMachineTests", dependencies: ["PagodaMachine", "PagodaLoader"]),
        .testTarget(name: "PagodaLoaderTests", dependencies: ["PagodaLoader"]),
        .testTarget(name: "GuestTests", dependencies: ["PagodaMachine", "PagodaLoader"]),
        .testTarget(name: "CommandLineTests", dependencies: ["pagoda"]),
        .testTarget(name: "PagodaDebugTests", dependencies: ["PagodaDebug", "PagodaMachine", "PagodaLoader"]),
    ]
)
