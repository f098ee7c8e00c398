/// A moment in time: seconds since 1970-01-01T00:00:00Z and the UTC offset it is shown in.
///
/// The caller supplies "now" as one of these in `SieveRunContext`, so that runs never read
/// a clock and tests are deterministic.
public struct SieveTimestamp: Sendable, Hashable {
    public var secondsSince1970: Int64
    /// The offset from UTC of the local time zone, in minutes (east positive): +0200 is 120.
    public var utcOffsetMinutes: Int

    public init(secondsSince1970: Int64, utcOffsetMinutes: Int = 0) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetMinutes = utcOffsetMinutes
    }
}

/// A civil date and time in one zone, as the `date` and `currentdate` tests see it.
/// - SeeAlso: RFC 5260 §4, RFC 5322 §3.3
struct SieveDateTime: Sendable, Hashable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// Offset from UTC in minutes.
    var zoneMinutes: Int
    /// "-0000": the zone is unknown (RFC 5322 §3.3); it prints with its minus sign.
    var zoneUnknown = false

    /// The date parts RFC 5260 §4.2 defines.
    static let partNames: Set<String> = [
        "year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601", "std11", "zone", "weekday",
    ]

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, zoneMinutes: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneMinutes = zoneMinutes
    }

    /// The timestamp shown in its own offset.
    init(_ timestamp: SieveTimestamp) {
        self.init(secondsSince1970: timestamp.secondsSince1970, zoneMinutes: timestamp.utcOffsetMinutes)
    }

    init(secondsSince1970 seconds: Int64, zoneMinutes: Int) {
        let local = seconds + Int64(zoneMinutes) * 60
        let (days, secondOfDay) = Self.floorDivide(local, 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        self.init(
            year: year, month: month, day: day, hour: Int(secondOfDay / 3600), minute: Int(secondOfDay % 3600 / 60),
            second: Int(secondOfDay % 60), zoneMinutes: zoneMinutes)
    }

    /// Seconds since the epoch; a leap second counts as the second after it.
    var secondsSince1970: Int64 {
        let days = Self.days(fromCivil: year, month, day)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(zoneMinutes) * 60
    }

    /// The same moment in another offset.
    func converted(toZoneMinutes zone: Int) -> SieveDateTime {
        SieveDateTime(secondsSince1970: secondsSince1970, zoneMinutes: zone)
    }

    /// Days since 1970-01-01 of the civil date in this zone.
    var daysSince1970: Int64 { Self.days(fromCivil: year, month, day) }

    /// The value of one date part (RFC 5260 §4.2), or `nil` for an unknown part name.
    func part(_ name: String) -> String? {
        switch name.lowercased() {
        case "year": return Self.digits(year, 4)
        case "month": return Self.digits(month, 2)
        case "day": return Self.digits(day, 2)
        case "date": return date
        // Modified Julian Day: days since 1858-11-17, which is 40587 days before 1970-01-01.
        case "julian": return String(daysSince1970 + 40_587)
        case "hour": return Self.digits(hour, 2)
        case "minute": return Self.digits(minute, 2)
        case "second": return Self.digits(second, 2)
        case "time": return time
        case "iso8601":
            let zone = self.zone
            return "\(date)T\(time)\(zone.prefix(3)):\(zone.suffix(2))"
        case "std11":
            let dayAndMonth = "\(Self.digits(day, 2)) \(Self.monthNames[month - 1])"
            return "\(Self.weekdayNames[weekday]), \(dayAndMonth) \(Self.digits(year, 4)) \(time) \(zone)"
        case "zone": return zone
        case "weekday": return String(weekday)
        default: return nil
        }
    }

    private var date: String { "\(Self.digits(year, 4))-\(Self.digits(month, 2))-\(Self.digits(day, 2))" }

    private var time: String { "\(Self.digits(hour, 2)):\(Self.digits(minute, 2)):\(Self.digits(second, 2))" }

    /// 0 for Sunday (RFC 5260 §4.2); 1970-01-01 was a Thursday.
    var weekday: Int { Int(Self.floorDivide(daysSince1970 + 4, 7).1) }

    /// "+hhmm" or "-hhmm"; zero is "+0000" unless the zone was given as unknown.
    var zone: String {
        let sign = zoneMinutes < 0 || zoneUnknown ? "-" : "+"
        let magnitude = abs(zoneMinutes)
        return sign + Self.digits(magnitude / 60, 2) + Self.digits(magnitude % 60, 2)
    }

    // MARK: - Zones

    /// A `:zone` argument: `("+" / "-") 4DIGIT` with minutes below 60 (RFC 5260 §4.1).
    static func zoneMinutes(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[1...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        let value = bytes[1...].map { Int($0 - 0x30) }
        let hours = value[0] * 10 + value[1]
        let minutes = value[2] * 10 + value[3]
        guard minutes < 60 else { return nil }
        return (hours * 60 + minutes) * (bytes[0] == UInt8(ascii: "-") ? -1 : 1)
    }

    // MARK: - Parsing RFC 5322 dates

    /// Parses a header's date-time; for "Received" the caller passes the text after its
    /// last ";" (RFC 5260 §7).
    // date-time = [ day-of-week "," ] day month year hour ":" minute [ ":" second ] zone
    static func parse(_ raw: String) -> SieveDateTime? {
        var words: [Substring] = []
        var depth = 0
        var word = ""
        func flush() {
            if !word.isEmpty { words.append(Substring(word)) }
            word = ""
        }
        for character in raw {
            if depth > 0 {
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1 }
                continue
            }
            switch character {
            case "(":
                flush()
                depth = 1
            case " ", "\t", "\r", "\n":
                flush()
            case ",":
                word.append(character)
                flush()
            default: word.append(character)
            }
        }
        flush()
        var index = 0
        if let first = words.first, first.hasSuffix(",") {
            guard weekdayNames.contains(where: { $0.lowercased() == first.dropLast().lowercased() }) else { return nil }
            index = 1
        }
        guard words.count - index == 5 || words.count - index == 4 else { return nil }
        guard let day = number(words[index], digits: 1...2), (1...31).contains(day),
            let monthIndex = monthNames.firstIndex(where: { $0.lowercased() == words[index + 1].lowercased() }),
            var year = number(words[index + 2], digits: 2...4)
        else { return nil }
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, other short years 19xx.
        if words[index + 2].count == 2 { year += year < 50 ? 2000 : 1900 } else if words[index + 2].count == 3 { year += 1900 }
        guard day <= daysIn(month: monthIndex + 1, year: year) else { return nil }
        let clock = words[index + 3].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3, let hour = number(clock[0], digits: 1...2), hour < 24,
            let minute = number(clock[1], digits: 2...2), minute < 60
        else { return nil }
        var second = 0
        if clock.count == 3 {
            guard let value = number(clock[2], digits: 2...2), value <= 60 else { return nil }
            second = value
        }
        var zone = 0
        var unknown = false
        if words.count - index == 5 {
            let text = String(words[index + 4])
            if let minutes = zoneMinutes(text) {
                zone = minutes
                unknown = text == "-0000"
            } else if let obsolete = obsoleteZones[text.uppercased()] {
                zone = obsolete * 60
            } else if text.count == 1, text.uppercased() != "J", text.allSatisfy(\.isLetter) {
                // RFC 5322 §4.3: military zones are unreliable and count as "-0000".
                unknown = true
            } else {
                return nil
            }
        }
        var result = SieveDateTime(
            year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second, zoneMinutes: zone)
        result.zoneUnknown = unknown
        return result
    }

    private static let obsoleteZones: [String: Int] = [
        "UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    ]

    private static func number(_ text: Substring, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian)

    /// Days since 1970-01-01, counting years in 400-year eras of 146097 days.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(shiftedYear, 400).0
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)  // March is 0
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097).0
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
        return (quotient, value - quotient * divisor)
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
