import SASL

/// What the driver must do after an event; the state machine itself does no I/O.
///
/// The driver performs one action at a time and feeds its result back as the event the
/// action names before it reads the next command, so responses go out in order.
public enum ManageSieveSessionAction: Sendable, Equatable {
    /// Write a response.
    case send(ManageSieveResponse)
    /// Write a response, then close the connection.
    case sendAndClose(ManageSieveResponse)
    /// Write the response (`OK`), throw away every byte the client sent after STARTTLS and
    /// reset the parser (RFC 5804 §2.2: pipelined plaintext must not be read as commands),
    /// then start the TLS handshake. When it completes, call `tlsEstablished()` and perform
    /// its action (the capability list again); if it fails, close the connection.
    case startTLS(ManageSieveResponse)
    /// Perform a SASL lookup (`verifyPassword`, `lookupLegacySecret`,
    /// `lookupScramCredentials`) and answer the matching `sasl…` event.
    case saslLookup(SASLAction)
    /// The SASL exchange authenticated `user`: check that the account may manage scripts
    /// and open its script store, then answer `loginSucceeded(owner:)` or `loginFailed(_:)`.
    case openScripts(user: String)
    /// UNAUTHENTICATE (RFC 5804 §2.14.1): close the account's script store, then write the
    /// response.
    case releaseScripts(ManageSieveResponse)
    /// List the account's scripts and answer `scriptsListed(_:)`. HAVESPACE and PUTSCRIPT
    /// ask this too, to count scripts against `maximumScripts`.
    case listScripts
    /// Store the script (already compiled and checked against the quotas), replacing one
    /// of the same name atomically: the old one stays if this fails (RFC 5804 §2.6). Answer
    /// `storeSucceeded()` or `storeFailed(_:)`.
    case putScript(name: String, script: String)
    /// Make `name` the active script, or deactivate every script for nil; answer
    /// `storeSucceeded()` or `storeFailed(.nonexistent)`.
    case setActive(name: String?)
    /// Read the script; answer `scriptRetrieved(_:)` or `storeFailed(.nonexistent)`.
    case getScript(name: String)
    /// Delete the script unless it is the active one (`storeFailed(.active)`, RFC 5804
    /// §2.10); answer `storeSucceeded()` or `storeFailed(_:)`.
    case deleteScript(name: String)
    /// Rename the script, keeping it active if it is; answer `storeSucceeded()`, or
    /// `storeFailed(.nonexistent)` / `storeFailed(.alreadyExists)` (RFC 5804 §2.11).
    case renameScript(oldName: String, newName: String)
    /// Nothing to do.
    case none
}

/// Why opening an account's scripts after a successful SASL exchange failed.
public enum ManageSieveLoginFailure: Sendable, Equatable {
    /// The account may not log in (disabled, or no right to manage scripts): told to the
    /// client exactly like a wrong password, so no reply reveals which accounts exist.
    case notPermitted
    /// A server-side problem; the client may try again later (`TRYLATER`).
    case temporary
}

/// Why a storage action failed, as the store found it. The session maps each to a
/// response code and a generic text; the detail belongs in the driver's log.
public enum ManageSieveStoreFailure: Sendable, Equatable {
    /// No script by that name (`NONEXISTENT`).
    case nonexistent
    /// RENAMESCRIPT's new name is taken (`ALREADYEXISTS`).
    case alreadyExists
    /// DELETESCRIPT named the active script (`ACTIVE`).
    case active
    /// The account's script limit or storage quota is reached (`QUOTA/MAXSCRIPTS`, `QUOTA`).
    case quotaMaxScripts
    case quota
    /// A temporary problem, such as a lock held by another session (`TRYLATER`).
    case temporary
}
