import XCTest
@testable import PagodaDeviceTree

final class FlattenedDeviceTreeTests: XCTestCase {
    private let sample = FlattenedDeviceTree(
        root: DeviceTreeNode("", properties: [
            .u32("#address-cells", 2),
            .u32("#size-cells", 2),
            .string("model", "sample"),
        ], children: [
            DeviceTreeNode("chosen", properties: [.string("bootargs", "odd length!")]),
            DeviceTreeNode("node@1000", properties: [
                .u64s("reg", [0x1000, 0x100]),
                .strings("compatible", ["a,b", "c"]),
                .empty("interrupt-controller"),
                .bytes("blob", [1, 2, 3]),
                .phandle(7),
            ], children: [
                DeviceTreeNode("child", properties: [.phandles("interrupt-parent", [7]), .u32("#size-cells", 0)]),
            ]),
        ]),
        memoryReservations: [.init(address: 0x8000_0000, size: 0x20_0000), .init(address: 0x9000_0000, size: 0x1000)],
        bootCPUID: 3
    )

    func testHeaderFields() throws {
        let blob = sample.blob()
        let header = try BlobReader(blob: blob).header()
        XCTAssertEqual(header.magic, 0xD00D_FEED)
        XCTAssertEqual(header.version, 17)
        XCTAssertEqual(header.lastCompatibleVersion, 16)
        XCTAssertEqual(header.bootCPUID, 3)
        XCTAssertEqual(Int(header.totalSize), blob.count)
        XCTAssertEqual(header.reservationsOffset, 40)
        XCTAssertEqual(header.structureOffset, 40 + 16 * 3)
        XCTAssertEqual(header.stringsOffset, header.structureOffset + header.structureSize)
        XCTAssertEqual(header.stringsOffset + header.stringsSize, header.totalSize)
    }

    /// Section 5.6: the reservation block 8-byte aligned, the structure block 4-byte aligned.
    func testBlockAlignment() throws {
        let header = try BlobReader(blob: sample.blob()).header()
        XCTAssertEqual(header.reservationsOffset % 8, 0)
        XCTAssertEqual(header.structureOffset % 4, 0)
        XCTAssertEqual(header.structureSize % 4, 0)
    }

    func testMemoryReservationBlock() throws {
        XCTAssertEqual(try BlobReader(blob: sample.blob()).reservations(), sample.memoryReservations)
        let empty = FlattenedDeviceTree(root: DeviceTreeNode(""))
        XCTAssertEqual(try BlobReader(blob: empty.blob()).reservations(), [])
    }

    func testStructureBlockReadsBackAsTheSameTree() throws {
        XCTAssertEqual(try BlobReader(blob: sample.blob()).tree(), sample.root)
    }

    func testSmallestTree() throws {
        let blob = FlattenedDeviceTree(root: DeviceTreeNode("")).blob()
        // Header, one empty reservation entry, then FDT_BEGIN_NODE, the empty name padded
        // to 4 bytes, FDT_END_NODE, FDT_END, and no strings.
        XCTAssertEqual(blob.count, 40 + 16 + 16)
        XCTAssertEqual(Array(blob[56...]), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 9])
    }

    func testPropertyNamesAreStoredOnce() throws {
        let blob = sample.blob()
        let header = try BlobReader(blob: blob).header()
        let strings = blob[Int(header.stringsOffset)...]
        let names = strings.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(names.filter { $0 == "#size-cells" }.count, 1)
        XCTAssertEqual(Set(names).count, names.count)
    }

    func testValueEncodings() {
        XCTAssertEqual(DeviceTreeProperty.u32("x", 0x0102_0304).value, [1, 2, 3, 4])
        XCTAssertEqual(DeviceTreeProperty.u64("x", 0x0102_0304_0506_0708).value, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(DeviceTreeProperty.cells("x", [1, 0xFFFF_FFFF]).value, [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(DeviceTreeProperty.string("x", "ab").value, [0x61, 0x62, 0])
        XCTAssertEqual(DeviceTreeProperty.strings("x", ["a", "", "b"]).value, [0x61, 0, 0, 0x62, 0])
        XCTAssertEqual(DeviceTreeProperty.empty("x").value, [])
        XCTAssertEqual(DeviceTreeProperty.phandle(5), DeviceTreeProperty("phandle", bytes: [0, 0, 0, 5]))
    }

    func testNodeLookup() {
        XCTAssertEqual(sample.root.node(at: "/node@1000/child")?.property("#size-cells")?.value, [0, 0, 0, 0])
        XCTAssertNil(sample.root.node(at: "/node@1000/missing"))
        XCTAssertEqual(sample.root.node(at: "/")?.name, "")
    }

    func testWellFormedTreeHasNoProblems() {
        XCTAssertEqual(sample.problems(), [])
    }

    func testProblemsNameTheOffendingNodes() {
        let tree = FlattenedDeviceTree(root: DeviceTreeNode("", properties: [
            .u32("ok", 1), .u32("ok", 2), .u32("bad name", 3), .empty(String(repeating: "p", count: 32)),
        ], children: [
            DeviceTreeNode("9starts-with-digit"),
            DeviceTreeNode("a"), DeviceTreeNode("a"),
            DeviceTreeNode("unit@", children: [DeviceTreeNode("ünïcode")]),
            DeviceTreeNode(String(repeating: "n", count: 32)),
        ]))
        let problems = tree.problems()
        XCTAssertEqual(problems.count, 8, problems.joined(separator: "\n"))
        XCTAssertTrue(problems.contains { $0.hasPrefix("/: property \"ok\" appears twice") })
        XCTAssertTrue(problems.contains { $0.hasPrefix("/: two children are called \"a\"") })
        XCTAssertTrue(problems.contains { $0.hasPrefix("/unit@/ünïcode: node name") })
    }
}
