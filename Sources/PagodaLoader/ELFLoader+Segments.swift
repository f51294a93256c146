import CLibELF

extension ELFLoader {
    /// The PT_LOAD segments (gABI, "Program Header"), each checked to lie within the file,
    /// to hold no more file bytes than memory bytes, and to fit in one allowed region,
    /// and all checked not to overlap one another in physical memory.
    ///
    /// A PT_LOAD with no memory size occupies nothing and is left out.
    static func loadableSegments(_ programHeaders: [GElf_Phdr], of file: LibELFFile,
                                 allowedRegions: [ClosedRange<UInt64>]) throws(LoaderError) -> [LoadableSegment] {
        var segments: [LoadableSegment] = []
        for (index, header) in programHeaders.enumerated() where header.p_type == UInt32(PT_LOAD) {
            try file.checkTable("segment \(index)", offset: header.p_offset, count: header.p_filesz, entrySize: 1)
            guard header.p_filesz <= header.p_memsz else {
                throw file.error(.fileSizeExceedsMemorySize,
                                 "segment \(index) has more file bytes (\(header.p_filesz)) than memory bytes (\(header.p_memsz))")
            }
            guard header.p_memsz > 0 else { continue }
            try checkPlacement(header, index: index, of: file, allowedRegions: allowedRegions)
            // Both fit in Int: the range lies within `file.bytes`.
            let start = Int(header.p_offset), end = start + Int(header.p_filesz)
            segments.append(LoadableSegment(physicalAddress: header.p_paddr, virtualAddress: header.p_vaddr,
                                            data: Array(file.bytes[start..<end]), memorySize: header.p_memsz,
                                            flags: header.p_flags))
        }
        guard !segments.isEmpty else { throw file.error(.noLoadableSegments, "no loadable segments (PT_LOAD)") }
        try checkOverlaps(segments, of: file)
        return segments
    }

    /// Throws `.segmentOutsideMemory` unless the segment's physical range lies inside one allowed region.
    private static func checkPlacement(_ header: GElf_Phdr, index: Int, of file: LibELFFile,
                                       allowedRegions: [ClosedRange<UInt64>]) throws(LoaderError) {
        let (last, wraps) = header.p_paddr.addingReportingOverflow(header.p_memsz - 1)
        guard wraps || !allowedRegions.contains(where: { $0.contains(header.p_paddr) && $0.contains(last) }) else { return }
        let place = wraps
            ? "at \(hex(header.p_paddr)) (\(header.p_memsz) bytes) wraps past the end of the address space,"
            : "at \(hex(header.p_paddr))-\(hex(last)) lies"
        let regions = allowedRegions.map { "\(hex($0.lowerBound))-\(hex($0.upperBound))" }.joined(separator: ", ")
        throw file.error(.segmentOutsideMemory, "segment \(index) \(place) outside RAM and ROM (\(regions.isEmpty ? "none" : regions))")
    }

    /// Throws `.overlappingSegments` if two segments share a physical address.
    private static func checkOverlaps(_ segments: [LoadableSegment], of file: LibELFFile) throws(LoaderError) {
        let ordered = segments.sorted { $0.physicalAddress < $1.physicalAddress }
        for (lower, upper) in zip(ordered, ordered.dropFirst()) where lower.physicalRange.overlaps(upper.physicalRange) {
            throw file.error(.overlappingSegments,
                             "segments at \(hex(lower.physicalAddress))-\(hex(lower.physicalRange.upperBound)) and "
                                 + "\(hex(upper.physicalAddress))-\(hex(upper.physicalRange.upperBound)) overlap")
        }
    }
}
