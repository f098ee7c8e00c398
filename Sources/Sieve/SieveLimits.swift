/// Every bound that protects the delivery path from a hostile or careless script, each
/// with its reason. A script is run once per delivered message, so each limit bounds the
/// work one message can cost.
public enum SieveLimits {
    /// Largest script accepted, in bytes: 1 MiB. Hand-written filters are a few KiB; the
    /// bound keeps the parser's memory proportional to something sane (Pigeonhole's
    /// default `sieve_max_script_size` is the same).
    public static let maximumScriptSize = 1 << 20

    /// Errors one compilation reports: enough for any script a person wrote, while a
    /// script of garbage still gets a short report.
    public static let maximumCompileErrors = 64

    /// Deepest nesting of blocks and tests. The parser and interpreter recurse, so this
    /// bounds their stack use; no real filter nests more than a handful of levels.
    public static let maximumNestingDepth = 32

    /// Largest number literal: RFC 5228 §2.4.1 requires at least 2^31 - 1 and allows more;
    /// 2^63 - 1 keeps arithmetic on sizes free of overflow.
    public static let maximumNumber: UInt64 = UInt64(Int64.max)

    /// Redirects one message may cause. Each one sends a message to the outside, so a
    /// script must not turn one delivery into a mail bomb (RFC 5228 §10 asks for a limit).
    public static let maximumRedirects = 4

    /// Actions of any kind one run may produce, so that the result and its JSON stay small.
    public static let maximumActions = 32

    /// Interpreter steps one message may cost: each command, each test and each unit of
    /// matching work (see `SieveMatcher`) is a step. Counting steps rather than time keeps
    /// runs deterministic and the limit independent of machine load.
    public static let maximumSteps = 2_000_000

    /// Default longest value a variable may hold, in bytes (RFC 5229 §6 lets an
    /// implementation cap it; `SieveRunContext.maximumVariableSize` may change it); longer
    /// values are truncated at a UTF-8 character boundary.
    public static let maximumVariableSize = 4096

    /// Variables one script may name, so a loop-free script still cannot grow without bound.
    public static let maximumVariables = 256

    /// Longest variable name; RFC 5229 §6 asks for at least 32 characters.
    public static let maximumVariableNameLength = 64

    /// Highest match variable index a script may reference; RFC 5229 §6 asks for at least
    /// 9 and makes a higher reference a compile error.
    public static let maximumMatchVariableIndex = 32

    /// Scripts `include` may pull in, and how deeply includes may nest (RFC 6609 §3.2 asks
    /// that recursion be detected; the depth bound also bounds stack use).
    public static let maximumIncludes = 16
    public static let maximumIncludeDepth = 8

    /// Size of a compiled regular expression, in NFA states; bounds the per-character work
    /// of the Pike VM, which is linear in this number.
    public static let maximumRegexStates = 4096
}

extension SieveLimits {
    /// The default separator between user and detail in a local part (RFC 5233 §1: "+" is usual).
    public static let subaddressSeparators = "+"
}
