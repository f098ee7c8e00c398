import Foundation
import PopstoreCore

/// An account as the CLI, the API and the web UIs show it: no secret in it.
public struct AccountView: Sendable, Equatable, Codable {
    public var name: String
    public var domain: String
    public var address: String
    public var owner: String
    public var group: String?
    public var siteData: String
    public var flags: [String]
    public var quota: Int64?
    public var overdraft: Int64
    public var volume: String
    /// The account's own EXPIRE / LOGIN-DELAY (groups and the store fill what is unset).
    public var retrieval: RetrievalPolicy
    public var usage: Usage
    public var password: Password
    public var accounting: Accounting

    public struct Usage: Sendable, Equatable, Codable {
        public var messages: Int64
        public var bytes: Int64
    }

    public struct Password: Sendable, Equatable, Codable {
        public var set: Bool
        public var scheme: String?
        public var changed: Date?
        public var preExpired: Bool
        public var scram: Bool
        public var legacySecret: Bool

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(set, forKey: .set)
            try c.encode(scheme, forKey: .scheme)
            try c.encode(changed, forKey: .changed)
            try c.encode(preExpired, forKey: .preExpired)
            try c.encode(scram, forKey: .scram)
            try c.encode(legacySecret, forKey: .legacySecret)
        }
    }

    public struct Accounting: Sendable, Equatable, Codable {
        public var connections: Int64
        public var connectSeconds: Int64
        public var lastConnect: Date?
        public var lastDisconnect: Date?
        public var messagesReceived: Int64
        public var bytesReceived: Int64
        public var messagesRetrieved: Int64
        public var bytesRetrieved: Int64
        /// Storage over time in 1 KiB blocks × days, for billing.
        public var blockDays: Double

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(connections, forKey: .connections)
            try c.encode(connectSeconds, forKey: .connectSeconds)
            try c.encode(lastConnect, forKey: .lastConnect)
            try c.encode(lastDisconnect, forKey: .lastDisconnect)
            try c.encode(messagesReceived, forKey: .messagesReceived)
            try c.encode(bytesReceived, forKey: .bytesReceived)
            try c.encode(messagesRetrieved, forKey: .messagesRetrieved)
            try c.encode(bytesRetrieved, forKey: .bytesRetrieved)
            try c.encode(blockDays, forKey: .blockDays)
        }
    }

    /// Absent values are written as `null`, so scripts see every field.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(domain, forKey: .domain)
        try c.encode(address, forKey: .address)
        try c.encode(owner, forKey: .owner)
        try c.encode(group, forKey: .group)
        try c.encode(siteData, forKey: .siteData)
        try c.encode(flags, forKey: .flags)
        try c.encode(quota, forKey: .quota)
        try c.encode(overdraft, forKey: .overdraft)
        try c.encode(volume, forKey: .volume)
        try c.encode(retrieval, forKey: .retrieval)
        try c.encode(usage, forKey: .usage)
        try c.encode(password, forKey: .password)
        try c.encode(accounting, forKey: .accounting)
    }

    init(profile: Profile, usage: MaildropUsage, now: Date) {
        name = profile.name
        domain = profile.domain.value
        address = profile.id.address
        owner = profile.owner
        group = profile.group
        siteData = profile.siteData
        flags = profile.flags.names
        quota = profile.quota
        overdraft = profile.overdraft
        volume = profile.volume
        retrieval = profile.retrieval ?? RetrievalPolicy()
        self.usage = Usage(messages: usage.messages, bytes: usage.bytes)
        password = Password(
            set: profile.password != nil, scheme: profile.password?.scheme, changed: profile.password?.changed,
            preExpired: profile.password?.preExpired ?? false, scram: profile.password?.scram != nil,
            legacySecret: profile.password?.legacySecret != nil)
        let sessions = profile.sessions
        accounting = Accounting(
            connections: sessions.connections, connectSeconds: sessions.connectSeconds,
            lastConnect: sessions.lastConnect, lastDisconnect: sessions.lastDisconnect,
            messagesReceived: usage.messagesReceived, bytesReceived: usage.bytesReceived,
            messagesRetrieved: sessions.messagesRetrieved, bytesRetrieved: sessions.bytesRetrieved,
            blockDays: (usage.blockDays(at: now) * 1000).rounded() / 1000)
    }
}

/// What `account add` takes.
public struct AccountSpec: Sendable {
    public var name: String
    public var password: String?
    public var quota: Int64??
    public var overdraft: Int64?
    public var flags: AccountFlags?
    public var group: String??
    public var owner: String?
    public var siteData: String?
    public var volume: String?
    public var preExpired: Bool = false
    public var retrieval: RetrievalPolicy?

    public init(name: String) { self.name = name }
}

/// What `account modify` changes; nil leaves a field as it is.
public struct AccountChange: Sendable {
    public var password: String?
    /// `.some(nil)` removes the quota.
    public var quota: Int64??
    public var overdraft: Int64?
    public var flags: AccountFlags?
    public var addFlags: AccountFlags = []
    public var removeFlags: AccountFlags = []
    /// `.some(nil)` takes the account out of its group.
    public var group: String??
    public var owner: String?
    public var siteData: String?
    public var preExpired: Bool?
    /// `.some(nil)` clears the account's own value (its groups' or the store's applies).
    public var expireDays: Int??
    public var loginDelaySeconds: Int??

    public init() {}
}
