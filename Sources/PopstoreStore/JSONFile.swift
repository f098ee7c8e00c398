import Foundation
import PopstoreCore

/// The one JSON spelling of every small file in the store: pretty, keys sorted, dates
/// in ISO 8601 UTC, so a person can read and diff them.
enum JSONFile {
    static func encode<T: Encodable>(_ value: T) throws(PopstoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do { return Array(try encoder.encode(value)) + [0x0A] } catch {
            throw .permanent("cannot encode \(T.self)")
        }
    }

    /// The words every "cannot decode" error ends with, so a caller can tell damage from
    /// other failures (`isDamage`).
    static let damagedSuffix = " is damaged"

    static func isDamage(_ error: PopstoreError) -> Bool {
        if case .permanent(let message) = error { return message.hasSuffix(damagedSuffix) }
        return false
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws(PopstoreError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(type, from: Data(bytes)) } catch {
            throw .permanent("\(what)\(damagedSuffix)")
        }
    }

    /// Reads a versioned file, refusing a version newer than this program knows.
    static func read<T: Decodable>(_ type: T.Type, at path: String, what: String, newest: Int) throws(PopstoreError) -> T? {
        guard let bytes = try DurableFile.read(path) else { return nil }
        return try decode(type, from: bytes, what: what, newest: newest)
    }

    /// Decodes a versioned file's bytes, refusing a version newer than this program knows.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String, newest: Int) throws(PopstoreError) -> T {
        let version = try decode(Versioned.self, from: bytes, what: what).version
        guard version <= newest else { throw .permanent("\(what) has format version \(version); this popstore reads up to \(newest)") }
        return try decode(type, from: bytes, what: what)
    }
}

/// The field every store file starts its JSON with.
private struct Versioned: Decodable { var version: Int }
