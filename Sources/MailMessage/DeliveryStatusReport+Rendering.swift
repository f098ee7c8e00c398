/// The three parts of the report, and the field and text rules they share.
extension DeliveryStatusReport {
    /// Longest line, without its CRLF.
    /// - SeeAlso: RFC 5322 §2.1.1, RFC 2045 §2.7, §2.8
    static let maximumLineLength = 998
    /// Length a folded field line or a text line is kept to where a space allows it.
    /// - SeeAlso: RFC 5322 §2.1.1 ("SHOULD be no more than 78 characters")
    static let foldWidth = 78
    /// Characters of a server's reply echoed: an SMTP reply line is at most 512 octets (RFC 5321
    /// §4.5.3.1.5), so this keeps two lines of a multi-line reply and bounds what a remote
    /// server can make the report carry.
    static let maximumDiagnosticLength = 1024

    /// Part 1: what happened, for people. US-ASCII; non-ASCII addresses appear in their
    /// `\x{HEX}` form and anything else non-ASCII as `?`.
    var notification: String {
        var text = Self.wrap("This is the mail system at \(Self.printableASCII(reportingMTA)).")
        text += "\r\n"
        if recipients.contains(where: { $0.action == .failed }) {
            text += Self.wrap("Your message could not be delivered to one or more of its recipients, for the reasons below.")
        } else if recipients.contains(where: { $0.action == .delayed }) {
            text += Self.wrap(
                "Your message has not yet been delivered to one or more of its recipients. "
                    + "The mail system will keep trying; there is nothing you need to do yet.")
        } else {
            text += Self.wrap("This is the report on the delivery of your message that you asked for.")
        }
        for recipient in recipients {
            let status = Self.printableASCII(recipient.status)
            let outcome =
                switch recipient.action {
                case .failed: "could not be delivered (status \(status))."
                case .delayed:
                    "is delayed (status \(status))"
                        + (recipient.willRetryUntil.map { "; delivery will be retried until \(RFC5322Date.format($0))" } ?? "")
                        + "."
                case .delivered: "was delivered (status \(status))."
                case .relayed: "was passed on to a system that sends no delivery reports (status \(status))."
                case .expanded: "was delivered and forwarded to further addresses (status \(status))."
                }
            text += "\r\n" + Self.wrap("<\(Self.typedAddress(recipient.finalRecipient).address)> \(outcome)", indent: "    ")
            if let diagnostic = recipient.diagnosticCode {
                let source = recipient.remoteMTA.map { "The server \(Self.printableASCII($0)) said:" } ?? "Reason:"
                text += Self.wrap("\(source) \(Self.diagnostic(diagnostic))", firstIndent: "    ", indent: "    ")
            }
        }
        return text
    }

    /// Part 2: the per-message fields, then one block per recipient, blocks separated by an
    /// empty line. All US-ASCII, as `message/delivery-status` requires.
    /// - SeeAlso: RFC 3464 §2.1, §2.2, §2.3
    var statusFields: String {
        var fields = Self.field("Reporting-MTA", "dns; " + Self.printableASCII(reportingMTA))
        if let envelopeID {
            fields += Self.field("Original-Envelope-Id", Self.printableASCII(envelopeID))
        }
        if let arrivalDate {
            fields += Self.field("Arrival-Date", RFC5322Date.format(arrivalDate))
        }
        for recipient in recipients {
            fields += "\r\n"
            if let original = recipient.originalRecipient {
                fields += Self.field("Original-Recipient", Self.asciiWithEmbeddedUnicode(original))
            }
            let (type, address) = Self.typedAddress(recipient.finalRecipient)
            fields += Self.field("Final-Recipient", "\(type); \(address)")
            fields += Self.field("Action", recipient.action.rawValue)
            fields += Self.field("Status", Self.printableASCII(recipient.status))
            if let remoteMTA = recipient.remoteMTA {
                fields += Self.field("Remote-MTA", "dns; " + Self.printableASCII(remoteMTA))
            }
            if let diagnostic = recipient.diagnosticCode {
                fields += Self.field("Diagnostic-Code", "smtp; " + Self.diagnostic(diagnostic))
            }
            if let lastAttemptDate = recipient.lastAttemptDate {
                fields += Self.field("Last-Attempt-Date", RFC5322Date.format(lastAttemptDate))
            }
            if recipient.action == .delayed, let willRetryUntil = recipient.willRetryUntil {
                fields += Self.field("Will-Retry-Until", RFC5322Date.format(willRetryUntil))
            }
        }
        return fields
    }

    // MARK: Fields and text

    /// The boundary as written: RFC 2046 `bcharsnospace` only, 1 to 70 characters.
    ///
    ///     bcharsnospace := DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?"
    /// - SeeAlso: RFC 2046 §5.1.1
    static func boundaryToken(_ text: String) -> String {
        let allowed = Set("'()+_,-./:=?".unicodeScalars)
        let token = String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(70).map { scalar in
                    let isAlphanumeric =
                        ("0"..."9").contains(scalar) || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
                    return isAlphanumeric || allowed.contains(scalar) ? scalar : "_"
                }))
        return token.isEmpty ? "_" : token
    }

    /// One header field, folded before a space to keep lines within `foldWidth` where the
    /// words allow, and each line cut to `maximumLineLength`. Runs of spaces become one.
    /// - SeeAlso: RFC 5322 §2.2.3
    static func field(_ name: String, _ value: String) -> String {
        lines(value, first: name + ":", continuation: "", width: foldWidth, spaceAfterPrefix: true)
    }

    /// Text wrapped at spaces to 76 columns. A line never starts with "--", so no text can
    /// be read as a MIME boundary.
    static func wrap(_ text: String, firstIndent: String = "", indent: String = "") -> String {
        lines(text, first: firstIndent, continuation: indent, width: foldWidth - 2, spaceAfterPrefix: false)
    }

    private static func lines(_ text: String, first: String, continuation: String, width: Int, spaceAfterPrefix: Bool)
        -> String
    {
        var lines: [String] = []
        var line = first
        var isLineEmpty = true
        for word in text.split(separator: " ") {
            let separator = isLineEmpty && !spaceAfterPrefix ? "" : " "
            if isLineEmpty || line.utf8.count + separator.utf8.count + word.utf8.count <= width {
                line += separator + word
            } else {
                lines.append(line)
                line = continuation + (spaceAfterPrefix ? " " : "") + word
            }
            isLineEmpty = false
        }
        lines.append(line)
        return lines.map { line in
            let safe = !spaceAfterPrefix && line.hasPrefix("--") ? " " + line : line
            return truncated(safe, toOctets: maximumLineLength) + "\r\n"
        }.joined()
    }

    private static func truncated(_ text: String, toOctets limit: Int) -> String {
        guard text.utf8.count > limit else {
            return text
        }
        var count = 0
        let kept = text.unicodeScalars.prefix { scalar in
            count += String(scalar).utf8.count
            return count <= limit
        }
        return String(String.UnicodeScalarView(kept))
    }

    /// A remote server's reply made safe to echo and bounded.
    static func diagnostic(_ text: String) -> String {
        printableASCII(String(text.unicodeScalars.prefix(maximumDiagnosticLength)))
    }

    /// Controls and non-ASCII become `?`: for text from a remote server or of a US-ASCII field.
    static func printableASCII(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? $0 : "?" }))
    }

    /// An address for `From` or `To`: controls and angle brackets become `?` (they would end
    /// the field or the address); UTF-8 stays (RFC 6532).
    static func headerAddress(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" ? "?" : $0 }))
    }

    /// An address with its RFC 3464 address type: `rfc822` for ASCII, else `utf-8` in the
    /// `utf-8-addr-xtext` form, which keeps `message/delivery-status` 7-bit.
    /// - SeeAlso: RFC 6533 §3
    static func typedAddress(_ address: String) -> (type: String, address: String) {
        let cleaned = String(
            String.UnicodeScalarView(address.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        guard !cleaned.unicodeScalars.allSatisfy(\.isASCII) else {
            return ("rfc822", cleaned)
        }
        var xtext = ""
        for scalar in cleaned.unicodeScalars {
            if scalar.isASCII && scalar != " " && scalar != "\\" && scalar != "+" && scalar != "=" {
                xtext.unicodeScalars.append(scalar)
            } else {
                xtext += embedded(scalar)
            }
        }
        return ("utf-8", xtext)
    }

    /// A value passed on as given (ORCPT): controls become `?`, non-ASCII `\x{HEX}`.
    static func asciiWithEmbeddedUnicode(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "?"
            } else if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                result += embedded(scalar)
            }
        }
        return result
    }

    /// `EmbeddedUnicodeChar`: `\x{` HEXPOINT `}`, upper-case hex, at least two digits.
    /// - SeeAlso: RFC 6533 §3
    private static func embedded(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\x{" + (hex.count < 2 ? "0" + hex : hex) + "}"
    }
}
