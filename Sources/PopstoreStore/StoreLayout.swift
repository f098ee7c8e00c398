import Crypto
import PopstoreCore

/// Where everything lives under the store root. The one place that turns names into
/// paths: every name from the outside is hashed first, so no input can reach outside
/// its directory, and finding one account costs the same with ten accounts or ten
/// million.
///
/// ```
/// ROOT/store.json                        settings
/// ROOT/keys/legacy-auth.key              the key sealing CRAM-MD5/APOP secrets
/// ROOT/profiles/ab/cd/<key>.json         one account (key from the canonical address)
/// ROOT/groups/<key>.json                 one management group
/// ROOT/domains/<key>.json                one user domain and its DEFAULT template
/// ROOT/forward/ab/cd/<key>.json          one forwarding entry
/// ROOT/sieve/ab/cd/<key>.json            an account's Sieve scripts (AccountScripts)
/// ROOT/sieve/ab/cd/<key>.memory.json     what its scripts remember (vacation, duplicate)
/// VOLUME/tmp/                            deliveries in progress
/// VOLUME/drop/ab/cd/<maildrop id>/       one maildrop: an entry per message
/// VOLUME/trash/                          maildrops of removed accounts, being deleted
/// VOLUME/lost+found/                     what `store check --repair` set aside
/// ```
public struct StoreLayout: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// 128 bits of SHA-256 over a canonical string, in hex: a fixed-length file name
    /// from any input.
    public static func key(_ canonical: String) -> String {
        let digest = SHA256.hash(data: Array(canonical.utf8))
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in digest.prefix(16) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// `ab/cd/<key>` spread over 65,536 directories.
    static func fanned(_ key: String) -> String {
        let a = key.prefix(2)
        let b = key.dropFirst(2).prefix(2)
        return "\(a)/\(b)/\(key)"
    }

    var settingsFile: String { "\(root)/store.json" }
    var keysDirectory: String { "\(root)/keys" }
    var legacyKeyFile: String { "\(root)/keys/legacy-auth.key" }
    var profilesDirectory: String { "\(root)/profiles" }
    var groupsDirectory: String { "\(root)/groups" }
    var domainsDirectory: String { "\(root)/domains" }
    var forwardDirectory: String { "\(root)/forward" }
    var sieveDirectory: String { "\(root)/sieve" }

    func sieveFile(_ id: AccountID, suffix: String = ".json") -> String {
        "\(sieveDirectory)/\(StoreLayout.fanned(StoreLayout.key("sieve:" + id.address)))\(suffix)"
    }

    func profileFile(_ id: AccountID) -> String {
        "\(profilesDirectory)/\(StoreLayout.fanned(StoreLayout.key(id.address))).json"
    }
    func profileLock(_ id: AccountID) -> String {
        "\(profilesDirectory)/\(StoreLayout.fanned(StoreLayout.key(id.address))).lock"
    }
    func groupFile(_ name: String) -> String { "\(groupsDirectory)/\(StoreLayout.key("group:" + name)).json" }
    func domainFile(_ domain: DomainName) -> String { "\(domainsDirectory)/\(StoreLayout.key("domain:" + domain.value)).json" }
    func forwardFile(_ address: AccountID) -> String {
        "\(forwardDirectory)/\(StoreLayout.fanned(StoreLayout.key("forward:" + address.address))).json"
    }

    /// The absolute path of a volume.
    public func volumePath(_ volume: StoreSettings.Volume) -> String {
        volume.path.hasPrefix("/") ? volume.path : "\(root)/\(volume.path)"
    }
}

/// The directories of one volume.
struct VolumeLayout: Sendable {
    let name: String
    let path: String

    var tmpDirectory: String { "\(path)/tmp" }
    var dropDirectory: String { "\(path)/drop" }
    var trashDirectory: String { "\(path)/trash" }
    var lostFoundDirectory: String { "\(path)/lost+found" }

    /// Maildrop ids are 32 lower-case hex digits made by the store; nothing else is
    /// accepted, so a damaged profile cannot point a maildrop outside the volume.
    static func isValidMaildropID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    func maildropDirectory(_ id: String) -> String { "\(dropDirectory)/\(StoreLayout.fanned(id))" }
}
