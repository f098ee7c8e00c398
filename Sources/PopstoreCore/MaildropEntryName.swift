import Foundation

/// The name of one maildrop entry, which carries the per-recipient state of a message.
///
/// `<arrival>.<uid>.<size>[.r]`: arrival in microseconds since 1970, zero-padded to 16
/// digits so names sort in arrival order; the unique id that UIDL reports (RFC 1939 §7:
/// 1 to 70 characters from 0x21 to 0x7E; here 24 lower-case hex digits); the size
/// as downloaded, so STAT and LIST open no file; `.r` once the message was retrieved.
/// Marking retrieved is an atomic rename within the maildrop directory.
public struct MaildropEntryName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var arrivalMicros: Int64
    public var uid: String
    public var size: Int64
    public var retrieved: Bool

    /// Length of a uid made by `makeUID`.
    public static let uidLength = 24

    public init(arrivalMicros: Int64, uid: String, size: Int64, retrieved: Bool = false) {
        self.arrivalMicros = arrivalMicros
        self.uid = uid
        self.size = size
        self.retrieved = retrieved
    }

    /// Parses a file name; nil for anything but the one spelling `description` gives.
    /// Works on the octets: a login lists every entry of the maildrop, so this runs once
    /// per message per session.
    public init?(_ name: String) {
        var name = name
        guard let parsed = name.withUTF8(MaildropEntryName.parse) else { return nil }
        self = parsed
    }

    private static let arrivalDigits = 16

    /// `16DIGIT "." 24LOWERHEX "." size [".r"]`, size decimal without leading zeros
    /// (except "0") and at most 18 digits, so it fits an Int64.
    private static func parse(_ octets: UnsafeBufferPointer<UInt8>) -> MaildropEntryName? {
        let dot = UInt8(ascii: "."), uidStart = arrivalDigits + 1, uidEnd = uidStart + uidLength, sizeStart = uidEnd + 1
        var end = octets.count
        let retrieved = end >= 2 && octets[end - 2] == dot && octets[end - 1] == UInt8(ascii: "r")
        if retrieved { end -= 2 }
        guard end > sizeStart, end - sizeStart <= 18, octets[arrivalDigits] == dot, octets[uidEnd] == dot,
            end - sizeStart == 1 || octets[sizeStart] != UInt8(ascii: "0"),
            let arrival = decimal(octets[0..<arrivalDigits]), let size = decimal(octets[sizeStart..<end]),
            octets[uidStart..<uidEnd].allSatisfy(isLowerHex)
        else { return nil }
        return MaildropEntryName(
            arrivalMicros: arrival, uid: String(decoding: octets[uidStart..<uidEnd], as: UTF8.self), size: size,
            retrieved: retrieved)
    }

    private static func decimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        var value: Int64 = 0
        for octet in digits {
            guard octet >= UInt8(ascii: "0"), octet <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(octet - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isLowerHex(_ octet: UInt8) -> Bool {
        (octet >= UInt8(ascii: "0") && octet <= UInt8(ascii: "9")) || (octet >= UInt8(ascii: "a") && octet <= UInt8(ascii: "f"))
    }

    public var description: String {
        let arrival = String(arrivalMicros)
        let padded = String(repeating: "0", count: max(0, 16 - arrival.count)) + arrival
        return "\(padded).\(uid).\(size)" + (retrieved ? ".r" : "")
    }

    public var arrival: Date { Date(timeIntervalSince1970: Double(arrivalMicros) / 1_000_000) }

    /// Lower-case hex, as `makeUID` produces; nothing else is accepted from a file name
    /// or from a command argument.
    public static func isValidUID<S: StringProtocol>(_ uid: S) -> Bool {
        uid.utf8.count == uidLength && uid.utf8.allSatisfy(isLowerHex)
    }

    /// 96 random bits: unique without coordination between processes or hosts.
    public static func makeUID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var out = ""
        for _ in 0..<3 {
            let word = generator.next() as UInt32
            let hex = String(word, radix: 16)
            out += String(repeating: "0", count: 8 - hex.count) + hex
        }
        return out
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.arrivalMicros, a.uid) < (b.arrivalMicros, b.uid)
    }
}
