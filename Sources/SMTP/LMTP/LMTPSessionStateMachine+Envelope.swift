/// MAIL and RCPT: their ESMTP parameters, checked against what LHLO announced.
extension LMTPSessionStateMachine {
    /// The longest ENVID, decoded (RFC 3461 §4.4: 100 characters).
    static var envelopeIDLength: Int { 100 }
    /// The longest ORCPT, as sent (RFC 3461 §4.2: 500 characters).
    static var originalRecipientLength: Int { 500 }

    mutating func mail(_ path: String, _ parameters: [SMTPParameter]) -> LMTPSessionAction<Route> {
        var transaction = LMTPTransaction<Route>(reversePath: path, smtpUTF8: false)
        var seen: Set<String> = []
        for parameter in parameters {
            guard seen.insert(parameter.keyword).inserted else {
                return refuse(SMTPReply(501, "5.5.4", "\(parameter.keyword) given twice"))
            }
            switch (parameter.keyword, parameter.value) {
            case ("SIZE", let value?):
                guard value.count <= 18, value.allSatisfy(\.isASCIIDigit), let size = Int(value) else {
                    return refuse(SMTPReply(501, "5.5.4", "SIZE takes a number of octets"))
                }
                guard size <= configuration.maximumMessageSize else {
                    return reply(
                        SMTPReply(552, "5.3.4", "Message size exceeds the fixed limit of \(configuration.maximumMessageSize) octets"))
                }
                transaction.declaredSize = size
            case ("BODY", let value?):
                // BINARYMIME (RFC 3030 §3) is not announced; 7BIT and 8BITMIME are stored alike.
                guard ["7BIT", "8BITMIME"].contains(value.uppercased()) else {
                    return refuse(SMTPReply(555, "5.5.4", "BODY takes 7BIT or 8BITMIME"))
                }
            case ("RET", let value?):
                guard ["FULL", "HDRS"].contains(value.uppercased()) else {
                    return refuse(SMTPReply(501, "5.5.4", "RET takes FULL or HDRS"))
                }
                transaction.ret = value.uppercased()
            case ("ENVID", let value?):
                guard let decoded = XText.decode(value), decoded.count <= Self.envelopeIDLength else {
                    return refuse(SMTPReply(501, "5.5.4", "ENVID must be xtext of at most 100 characters"))
                }
                transaction.envelopeID = decoded
            case ("SMTPUTF8", nil):
                transaction.smtpUTF8 = true
            default:
                return refuse(SMTPReply(555, "5.5.4", "Unsupported parameter \(parameter.keyword)"))
            }
        }
        if !transaction.smtpUTF8 && !path.utf8.allSatisfy({ $0 < 0x80 }) {
            return refuse(SMTPReply(553, "5.6.7", "A UTF-8 address needs SMTPUTF8"))
        }
        state = .transaction(transaction)
        return reply(SMTPReply(250, "2.1.0", "Sender OK"))
    }

    mutating func rcpt(_ path: String, _ parameters: [SMTPParameter], _ transaction: LMTPTransaction<Route>) -> LMTPSessionAction<Route> {
        guard transaction.recipients.count < configuration.maximumRecipients else {
            return reply(SMTPReply(452, "4.5.3", "Too many recipients; send the rest in another transaction"))
        }
        var pending = LMTPRecipient<Void>(address: path, route: ())
        var seen: Set<String> = []
        for parameter in parameters {
            guard seen.insert(parameter.keyword).inserted else {
                return refuse(SMTPReply(501, "5.5.4", "\(parameter.keyword) given twice"))
            }
            switch (parameter.keyword, parameter.value) {
            case ("NOTIFY", let value?):
                let words = value.uppercased().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let valid =
                    words == ["NEVER"]
                    || (!words.isEmpty && Set(words).count == words.count
                        && words.allSatisfy { ["SUCCESS", "FAILURE", "DELAY"].contains($0) })
                guard valid else { return refuse(SMTPReply(501, "5.5.4", "NOTIFY takes NEVER or SUCCESS,FAILURE,DELAY")) }
                pending.notify = value.uppercased()
            case ("ORCPT", let value?):
                guard value.count <= Self.originalRecipientLength, let semicolon = value.firstIndex(of: ";"),
                    semicolon != value.startIndex, XText.decode(String(value[value.index(after: semicolon)...])) != nil
                else { return refuse(SMTPReply(501, "5.5.4", "ORCPT takes addr-type;xtext")) }
                pending.originalRecipient = value
            default:
                return refuse(SMTPReply(555, "5.5.4", "Unsupported parameter \(parameter.keyword)"))
            }
        }
        if !transaction.smtpUTF8 && !path.utf8.allSatisfy({ $0 < 0x80 }) {
            return refuse(SMTPReply(553, "5.6.7", "A UTF-8 address needs SMTPUTF8"))
        }
        state = .checkingRecipient(transaction, pending: pending)
        return .checkRecipient(address: path, declaredSize: transaction.declaredSize)
    }
}
