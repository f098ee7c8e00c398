/// Comparisons whose running time does not depend on where secrets differ.
enum ConstantTime {
    /// Equal-length byte strings compared without an early exit. The length itself is not
    /// secret here: it is fixed by the stored hash or key.
    @inline(never)
    static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
