import PopstoreCore
import PopstoreStore

/// The store settings as shown.
public struct StoreSettingsView: Sendable, Equatable, Codable {
    public var defaultDomain: String
    public var legacyAuth: Bool
    public var passwordHashCost: Int
    public var nameCharacters: String
    public var defaultVolume: String
    public var retrieval: RetrievalPolicy?
}

public struct VolumeView: Sendable, Equatable, Codable {
    public var name: String
    public var path: String
    public var accounts: Int
}

extension Operations {
    public func statistics() throws(PopstoreError) -> StoreStatistics {
        try requireStoreManager()
        return try store.statistics()
    }

    public func check(repair: Bool) throws(PopstoreError) -> StoreCheckReport {
        try requireStoreManager()
        return try store.check(repair: repair)
    }

    public func settingsView() throws(PopstoreError) -> StoreSettingsView {
        try requireStoreManager()
        return StoreSettingsView(
            defaultDomain: settings.defaultDomain.value, legacyAuth: settings.legacyAuth,
            passwordHashCost: settings.passwordHashCost, nameCharacters: settings.nameRules.allowedCharacters,
            defaultVolume: settings.defaultVolume, retrieval: settings.retrieval)
    }

    /// The settings `popstore store set` knows, with their values' rules.
    public static let settingKeys = ["legacy-auth", "password-hash-cost", "name-characters", "default-volume", "expire", "login-delay"]

    /// Changes one store setting.
    public func set(_ key: String, to value: String) throws(PopstoreError) -> Operations {
        try requireStoreManager()
        let updated = try store.updateSettings { (settings) throws(PopstoreError) in
            switch key {
            case "legacy-auth":
                switch value.lowercased() {
                case "on", "yes", "true": settings.legacyAuth = true
                case "off", "no", "false": settings.legacyAuth = false
                default: throw .invalidInput("legacy-auth takes on or off")
                }
            case "password-hash-cost":
                guard let cost = Int(value), StoreSettings.passwordHashCostRange.contains(cost) else {
                    throw .invalidInput(
                        "password-hash-cost takes log2 N from \(StoreSettings.passwordHashCostRange.lowerBound) to \(StoreSettings.passwordHashCostRange.upperBound)"
                    )
                }
                settings.passwordHashCost = cost
            case "name-characters":
                let lower = value.lowercased()
                guard !lower.isEmpty, !lower.contains("/"), !lower.contains("@"),
                    !lower.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
                else {
                    throw .invalidInput("name-characters may not hold '/', '@', spaces or control characters")
                }
                var seen: Set<Character> = []
                settings.nameRules.allowedCharacters = String(lower.filter { seen.insert($0).inserted })
            case "default-volume":
                guard settings.volumes.contains(where: { $0.name == value }) else { throw .notFound("no such volume: \(value)") }
                settings.defaultVolume = value
            case "expire":
                let days = try RetrievalPolicy.parseExpireSetting(value)
                settings.retrieval = (settings.retrieval ?? .init()).with(expireDays: days)
            case "login-delay":
                let seconds = try RetrievalPolicy.parseLoginDelaySetting(value)
                settings.retrieval = (settings.retrieval ?? .init()).with(loginDelaySeconds: seconds)
            default:
                throw .invalidInput("unknown setting \(NameRules.printable(key)); known: \(Operations.settingKeys.joined(separator: ", "))")
            }
        }
        return Operations(store: updated, caller: caller, clock: clock)
    }

    /// Adds a directory (typically another disk) as a volume.
    public func addVolume(path: String, name: String?) throws(PopstoreError) -> VolumeView {
        try requireStoreManager()
        guard path.hasPrefix("/") else { throw .invalidInput("a volume path must be absolute") }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let base = trimmed.split(separator: "/").last.map(String.init) ?? ""
        let volumeName = try settings.nameRules.canonicalName(name ?? base, kind: "volume name")
        _ = try store.updateSettings { (settings) throws(PopstoreError) in
            guard !settings.volumes.contains(where: { $0.name == volumeName }) else {
                throw .alreadyExists("volume \(volumeName) already exists")
            }
            guard !settings.volumes.contains(where: { store.layout.volumePath($0) == trimmed }) else {
                throw .alreadyExists("that directory is already a volume")
            }
            settings.volumes.append(.init(name: volumeName, path: trimmed))
        }
        return VolumeView(name: volumeName, path: trimmed, accounts: 0)
    }

    public func volumes() throws(PopstoreError) -> [VolumeView] {
        try requireStoreManager()
        var counts: [String: Int] = [:]
        try store.forEachProfile { counts[$0.volume, default: 0] += 1 }
        return store.volumes.map { VolumeView(name: $0.name, path: $0.path, accounts: counts[$0.name] ?? 0) }
    }
}
