/// The site's limits on `addheader`/`deleteheader` (RFC 5293 §6 leaves them to the
/// implementation), as Pigeonhole's sieve_editheader_* settings configure them.
public struct SieveHeaderEditPolicy: Sendable, Hashable {
    /// Field names (lowercase) scripts may not add.
    public var forbidAdd: Set<String>
    /// Field names (lowercase) scripts may not delete.
    public var forbidDelete: Set<String>
    /// The largest field an `addheader` may add, name and value, in octets; `nil` for none.
    public var maximumHeaderSize: Int?

    public init(forbidAdd: Set<String> = [], forbidDelete: Set<String> = [], maximumHeaderSize: Int? = nil) {
        self.forbidAdd = Set(forbidAdd.map { $0.lowercased() })
        self.forbidDelete = Set(forbidDelete.map { $0.lowercased() })
        self.maximumHeaderSize = maximumHeaderSize
    }

    /// Whether a script may add the field. "Subject" is never protected: changing it is
    /// what editheader is most used for.
    func allowsAdding(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "subject" || !forbidAdd.contains(lower)
    }

    /// Whether a script may delete the field: never "Received", whose trace fields record
    /// the message's path (RFC 5293 §6), nor "Auto-Submitted", whose removal could let
    /// automatic replies loop; "Subject" always.
    func allowsDeleting(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == "received" || lower == "auto-submitted" { return false }
        return lower == "subject" || !forbidDelete.contains(lower)
    }
}
