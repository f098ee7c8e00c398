/// A user domain name (`example.com`), lower-cased and checked as an RFC 5321 §4.1.2
/// domain: dot-separated labels of letters, digits and hyphens.
public struct DomainName: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let value: String

    /// RFC 1035 §2.3.4: 255 octets in all, 63 per label.
    public static let maximumLength = 253
    public static let maximumLabelLength = 63

    public init(_ raw: String) throws(PopstoreError) {
        let shown = NameRules.printable(raw)
        // ASCII only, folded by ASCII rules: Unicode case mapping would turn look-alikes
        // (the Kelvin sign) into letters.
        guard raw.unicodeScalars.allSatisfy(\.isASCII) else { throw .invalidInput("invalid domain \(shown)") }
        let folded = raw.lowercased()
        guard !folded.isEmpty, folded.utf8.count <= DomainName.maximumLength else {
            throw .invalidInput("invalid domain \(shown)")
        }
        for label in folded.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= DomainName.maximumLabelLength,
                label.first != "-", label.last != "-",
                label.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") })
            else { throw .invalidInput("invalid domain \(shown)") }
        }
        value = folded
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
    public static func < (a: DomainName, b: DomainName) -> Bool { a.value < b.value }
}
