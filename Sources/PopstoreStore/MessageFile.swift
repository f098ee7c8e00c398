import MailMessage
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// What the store keeps with a message besides its bytes: its envelope and what POP3
/// needs, computed once at delivery.
public struct StoredMessageMetadata: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = StoredMessageMetadata.formatVersion
    public var uid: String
    public var envelope: MessageEnvelope
    public var pop3: POP3Metadata

    public init(uid: String, envelope: MessageEnvelope, pop3: POP3Metadata) {
        self.uid = uid
        self.envelope = envelope
        self.pop3 = pop3
    }
}

/// The format of a message file, the one inode that every recipient's maildrop entry
/// links to:
///
/// ```
/// [POP3 form: CRLF, dot-stuffed, without the final ".CRLF"]   storedSize octets, offset 0
/// [metadata JSON]                                              n octets
/// [trailer] "\nPOPSTORE-META-1 " + n as 14 digits + "\n"       32 octets
/// ```
///
/// The POP3 bytes start at offset 0, so RETR sends the region [0, storedSize) with
/// sendfile; the metadata goes last, so a message is written in one streaming pass.
public enum MessageFile {
    static let trailerPrefix: [UInt8] = Array("\nPOPSTORE-META-1 ".utf8)
    static let trailerLength = 32
    static let lengthDigits = 14

    static func trailer(metadataLength: Int) -> [UInt8] {
        let digits = String(metadataLength)
        return trailerPrefix + Array((String(repeating: "0", count: lengthDigits - digits.count) + digits).utf8) + [0x0A]
    }

    /// Largest metadata block accepted when reading (the line index of a very large
    /// message stays well below this).
    static let maximumMetadataLength = 16 << 20

    /// The octets of POP3 form at the front of an open message file, from its size and
    /// trailer alone: what RETR sends, found without decoding the metadata.
    static func storedSize(fd: Int32, path: String) throws(PopstoreError) -> Int {
        let (size, length) = try trailer(fd: fd, path: path)
        return Int(size) - length - trailerLength
    }

    /// The file's size and the metadata length its trailer gives, checked.
    private static func trailer(fd: Int32, path: String) throws(PopstoreError) -> (size: Int64, metadataLength: Int) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SystemCallError(call: "fstat", path: path, errno: errno).popstoreError }
        let size = Int64(st.st_size)
        guard size >= Int64(trailerLength) else { throw .permanent("message file is damaged") }
        let trailer: [UInt8]
        do { trailer = try Posix.pread(fd, count: trailerLength, offset: size - Int64(trailerLength), path: path) } catch {
            throw error.popstoreError
        }
        guard trailer.count == trailerLength, Array(trailer.prefix(trailerPrefix.count)) == trailerPrefix, trailer.last == 0x0A,
            let length = Int(String(decoding: trailer[trailerPrefix.count..<(trailerLength - 1)], as: UTF8.self)),
            length > 0, length <= maximumMetadataLength, Int64(length + trailerLength) <= size
        else { throw .permanent("message file is damaged") }
        return (size, length)
    }

    /// Reads the metadata of an open message file.
    static func readMetadata(fd: Int32, path: String) throws(PopstoreError) -> StoredMessageMetadata {
        let (size, length) = try trailer(fd: fd, path: path)
        let json: [UInt8]
        do { json = try Posix.pread(fd, count: length, offset: size - Int64(trailerLength + length), path: path) } catch {
            throw error.popstoreError
        }
        let metadata = try JSONFile.decode(StoredMessageMetadata.self, from: json, what: "message metadata")
        guard Int64(metadata.pop3.storedSize + length + trailerLength) == size else { throw .permanent("message file is damaged") }
        return metadata
    }

    static func readMetadata(path: String) throws(PopstoreError) -> StoredMessageMetadata {
        let fd: Int32
        do { fd = try Posix.open(path, O_RDONLY) } catch { throw error.popstoreError }
        defer { Posix.close(fd) }
        return try readMetadata(fd: fd, path: path)
    }
}
