/// The MMU's side of `--check-tlb` (see `StaleTranslationChecker`).
extension MMU {
    /// Walks the Sv39 tables for `va` as memory holds them now, with no side effects (no
    /// statistics, no A/D updates, no store tracking): the leaf, or nil where a real walk
    /// would fault, and the addresses of the PTEs read. The steps follow `walk`.
    func freshWalk(_ va: UInt64) -> (leaf: Leaf?, addresses: [UInt64]) {
        var addresses: [UInt64] = []
        var table = rootTable
        var level = 2
        while level >= 0 {
            let pteAddress = table &+ ((va >> (12 + 9 * UInt64(level))) & 0x1FF) &* 8
            guard pmp.allows(pteAddress, length: 8, access: .load, mode: .supervisor),
                  let memory = bus.memory(containing: pteAddress, length: 8) else { return (nil, addresses) }
            addresses.append(pteAddress)
            let pte = memory.load(pteAddress, size: 8)
            switch kind(of: pte) {
            case .invalid: return (nil, addresses)
            case .leaf: return (Leaf(pte: pte, level: level, pteAddress: pteAddress), addresses)
            case .pointer: break
            }
            level -= 1
            table = PTE.ppn(pte) << 12
        }
        return (nil, addresses)
    }

    /// A modelled TLB hit on `cached` for `va`: compares it with a fresh walk.
    func checkHit(_ va: UInt64, cached: Leaf, access: AccessType) {
        guard let checker else { return }
        let (fresh, addresses) = freshWalk(va)
        checker.check(hart: checkHart, pc: checkPC, instret: checkInstret, access: access, asid: asid, va: va,
                      cached: cached, fresh: fresh, walkAddresses: addresses)
    }
}
