import Foundation
import MailMessage
import PopstoreCore
import PopstoreStore
import Sieve

/// An account's active Sieve script, loaded for one delivery, and what it decides.
///
/// A script that does not compile or fails while running never loses mail: the message
/// is kept (RFC 5228 §2.10.6) and the error is recorded with the account's scripts,
/// where `popstore sieve list` and the user's tools show it.
struct SieveFilter {
    let account: AccountID
    let scriptName: String
    let program: Result<SieveProgram, SieveError>

    /// The active script of `account`, or nil when it has none (or its scripts cannot be read).
    static func load(_ store: Store, _ account: AccountID) -> SieveFilter? {
        guard let scripts = try? store.sieveScripts(account), let script = scripts.activeScript else { return nil }
        let program: Result<SieveProgram, SieveError>
        do { program = .success(try SieveScript.compile(script.source)) } catch { program = .failure(error) }
        return SieveFilter(account: account, scriptName: script.name, program: program)
    }

    /// What the script decided for one message.
    struct Decision {
        /// Store the message in the account's maildrop.
        var keep = true
        /// Store it marked retrieved (`\Seen`, RFC 5232).
        var seen = false
        /// Addresses to send a copy to (RFC 5228 §4.2).
        var redirects: [String] = []
        var rejection: (reason: String, extended: Bool)?
        var vacation: SieveVacation?
        var duplicateChecks: [SieveDuplicateCheck] = []
        /// The header as `addheader`/`deleteheader` left it (RFC 5293), when they ran.
        var editedHeader: [SieveMessage.HeaderField]?
        /// Why the script could not decide; the message is kept.
        var error: String?
    }

    func decide(_ message: SieveMessage, context: SieveRunContext) -> Decision {
        let program: SieveProgram
        switch self.program {
        case .success(let compiled): program = compiled
        case .failure(let error): return Decision(error: "\(error)")
        }
        let result: SieveResult
        do { result = try program.run(on: message, context: context) } catch { return Decision(error: "\(error)") }
        var decision = Decision(
            keep: result.implicitKeep, duplicateChecks: result.duplicateChecks, editedHeader: result.editedHeader)
        var flags = result.implicitKeep ? result.implicitKeepFlags : []
        for action in result.actions {
            switch action {
            case .keep(let keptFlags):
                decision.keep = true
                flags += keptFlags
            case .fileinto(_, let keptFlags, _, _):
                // One mailbox per account: fileinto stores as keep.
                decision.keep = true
                flags += keptFlags
            case .redirect(let address, _):
                decision.redirects.append(address)
            case .reject(let reason, let extended):
                decision.rejection = (reason, extended)
            case .vacation(let vacation):
                decision.vacation = vacation
            case .discard, .addHeader, .deleteHeader:
                break
            }
        }
        decision.seen = flags.contains { $0.lowercased() == "\\seen" }
        return decision
    }

    /// The run's environment (RFC 5183) at delivery, the time (RFC 5260), the account's
    /// own scripts for `include :personal` (RFC 6609; this store has no global scripts).
    static func context(store: Store, account: AccountID, host: String, now: Date, subaddressSeparator: Character?) -> SieveRunContext {
        let offset = TimeZone.current.secondsFromGMT(for: now) / 60
        var context = SieveRunContext(
            environment: [
                "domain": account.domain.value, "host": host, "location": "MDA", "name": "Popstore", "phase": "during",
            ],
            now: SieveTimestamp(secondsSince1970: Int64(now.timeIntervalSince1970), utcOffsetMinutes: offset),
            isDuplicate: { check in
                (try? store.withSieveMemory(account) { memory in memory.remembers(duplicateKey(check), at: now) }) ?? false
            },
            loadScript: { name, location in
                guard location == .personal else { return nil }
                return (try? store.sieveScripts(account))?.script(named: name)?.source
            })
        context.subaddressSeparators = subaddressSeparator.map { String($0) } ?? ""
        return context
    }

    static func duplicateKey(_ check: SieveDuplicateCheck) -> String { "duplicate:\(check.handle):\(check.uniqueID)" }

    /// Remembers the duplicate tests that ran, once the message is delivered (RFC 7352 §3).
    static func recordDuplicates(_ checks: [SieveDuplicateCheck], store: Store, account: AccountID, now: Date) {
        guard !checks.isEmpty else { return }
        _ = try? store.withSieveMemory(account) { memory in
            for check in checks {
                let key = duplicateKey(check)
                if check.last || !memory.remembers(key, at: now) {
                    memory.remember(key, until: now.addingTimeInterval(Double(check.seconds ?? defaultDuplicatePeriod)))
                }
            }
        }
    }

    /// How long a duplicate id is remembered when the script says nothing: a week, the
    /// span of an MTA's retries and then some (RFC 7352 §3 leaves it to the site).
    static let defaultDuplicatePeriod: UInt64 = 7 * 86_400

    /// Notes a script's failure where the account's user and admin see it.
    static func recordError(_ message: String, script: String, store: Store, account: AccountID, now: Date) {
        _ = try? store.updateSieveScripts(account) { scripts in
            scripts.lastError = AccountScripts.ScriptError(script: script, message: message, at: now)
        }
    }
}
