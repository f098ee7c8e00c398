import Testing

@testable import SASL

struct ScryptCostTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var password: String
        var salt: String
        var cost: ScryptCost
        var hex: String
        var testDescription: String { "N=2^\(cost.logN) r=\(cost.r) p=\(cost.p)" }
    }

    /// RFC 7914 §12 (the N=2^20 vector is left out: about a gigabyte and seconds in debug).
    static let rfc7914Vectors: [Vector] = [
        Vector(
            password: "", salt: "", cost: ScryptCost(logN: 4, r: 1, p: 1),
            hex: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        Vector(
            password: "password", salt: "NaCl", cost: ScryptCost(logN: 10, r: 8, p: 16),
            hex: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        Vector(
            password: "pleaseletmein", salt: "SodiumChloride", cost: ScryptCost(logN: 14, r: 8, p: 1),
            hex: "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ]

    @Test(arguments: rfc7914Vectors)
    func rfc7914TestVector(_ vector: Vector) throws {
        let key = try vector.cost.deriveKey(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8), outputByteCount: 64)
        #expect(hex(key) == vector.hex)
    }

    @Test func defaultIsLogN15R8P1() {
        #expect(ScryptCost.default == ScryptCost(logN: 15, r: 8, p: 1))
        #expect(ScryptCost.minimumLogN == 10)
        #expect(ScryptCost.maximumLogN == 20)
    }

    @Test(arguments: [
        (ScryptCost(logN: 10), true),
        (ScryptCost.default, true),
        (ScryptCost(logN: 20), true),
        (ScryptCost(logN: 9), false),
        (ScryptCost(logN: 21), false),
        (ScryptCost(logN: 15, r: 0), false),
        (ScryptCost(logN: 15, p: 0), false),
        (ScryptCost(logN: 15, p: 17), false),
        (ScryptCost(logN: 20, r: 16), false),  // 2 GiB
    ])
    func limits(_ cost: ScryptCost, allowed: Bool) {
        #expect(cost.isWithinLimits == allowed)
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
