import Foundation

/// The timestamps of a regular series: where it ends and its step, so forecasts can be labelled
/// with the instants they are for, written as the input wrote them. A step is a fixed number
/// (numeric timestamps), a fixed number of seconds (hourly, daily, weekly data), or a number of
/// calendar months (monthly, quarterly, yearly data, whose steps in seconds differ).
public struct TimeAxis: Codable, Sendable, Equatable {
    public enum Unit: String, Codable, Sendable { case number, second, month }
    /// How the input wrote its timestamps: a number, `2024-03`, `2024-03-01` or `2024-03-01T09:00:00Z`.
    public enum Style: String, Codable, Sendable { case number, month, date, dateTime = "date_time" }

    /// The last timestamp: the number itself, or seconds since 1970-01-01 UTC.
    public var last: Double
    public var step: Double
    public var unit: Unit
    public var style: Style
    /// Monthly steps land on each month's last day (the series was on month ends).
    public var monthEnds: Bool?

    public init(last: Double, step: Double, unit: Unit, style: Style) {
        (self.last, self.step, self.unit, self.style) = (last, step, unit, style)
    }

    /// The timestamps' sort keys (numbers, or seconds since 1970 for dates), as `parse` reads them.
    public struct Parsed: Sendable {
        public var keys: [Double]
        public var style: Style
    }

    /// Reads a column of timestamps: all numbers, or all ISO 8601 dates or date-times (UTC,
    /// or with an offset). `field` names the column in errors.
    public static func parse(_ texts: [String?], field: String) throws -> Parsed {
        var keys: [Double] = [], style: Style? = nil
        keys.reserveCapacity(texts.count)
        for (row, text) in texts.enumerated() {
            guard let text, !text.isEmpty else { throw DataError(field, "row \(row + 1) has no timestamp") }
            guard let (key, rowStyle) = instant(text) else {
                throw DataError(field, "row \(row + 1): '\(text.prefix(40))' is not a timestamp (a number, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
            }
            if let style, style != rowStyle, !(style != .number && rowStyle != .number) {
                throw DataError(field, "row \(row + 1) mixes numbers and dates")
            }
            // The most precise form seen sets how forecasts are written.
            if style == nil || rowStyle.precision > style!.precision { style = rowStyle }
            keys.append(key)
        }
        return Parsed(keys: keys, style: style ?? .number)
    }

    public static func parse(numbers: [Double], field: String) throws -> Parsed {
        if let bad = numbers.firstIndex(where: { !$0.isFinite }) { throw DataError(field, "row \(bad + 1) has no timestamp") }
        return Parsed(keys: numbers, style: .number)
    }

    /// The axis of one series whose sorted keys are `keys`: evenly spaced in numbers, seconds or
    /// calendar months, else an error naming the series and the gap that breaks the pattern.
    public static func infer(sorted keys: [Double], style: Style, series: String) throws -> TimeAxis {
        let name = series.isEmpty ? "the series" : "series '\(series)'"
        guard keys.count >= 2 else { throw DataError("timestamp", "\(name) has fewer than two timestamps") }
        for i in 1..<keys.count where keys[i] == keys[i - 1] {
            throw DataError("timestamp", "\(name) has two values at \(format(keys[i], style: style))")
        }
        let first = keys[1] - keys[0]
        if style != .number {
            // Calendar months first (two monthly points are also a fixed number of seconds
            // apart): the same day and time of day, or every point on its month's last day, a
            // fixed number of months apart.
            let parts = keys.map(civil)
            let months = parts.map { $0.year * 12 + $0.month - 1 }
            let stepMonths = months[1] - months[0]
            let sameDay = parts.allSatisfy { $0.day == parts[0].day }
            let monthEnds = parts.allSatisfy { $0.day == daysIn(year: $0.year, month: $0.month) }
            if stepMonths > 0, sameDay || monthEnds, parts.allSatisfy({ $0.secondOfDay == parts[0].secondOfDay }),
               months.indices.dropFirst().allSatisfy({ months[$0] - months[$0 - 1] == stepMonths }) {
                var axis = TimeAxis(last: keys.last!, step: Double(stepMonths), unit: .month, style: style)
                if monthEnds && (!sameDay || parts[0].day < 31) { axis.monthEnds = true }
                return axis
            }
        }
        let tolerance = style == .number ? 1e-9 * max(Swift.abs(first), 1) : 0.5
        if keys.indices.dropFirst().allSatisfy({ Swift.abs(keys[$0] - keys[$0 - 1] - first) <= tolerance }) {
            return TimeAxis(last: keys.last!, step: first, unit: style == .number ? .number : .second, style: style)
        }
        let broken = keys.indices.dropFirst().first { Swift.abs(keys[$0] - keys[$0 - 1] - first) > tolerance }!
        throw DataError("timestamp", "\(name) is not evenly spaced: \(format(keys[broken - 1], style: style)) to \(format(keys[broken], style: style)) breaks the step of its first two points; forecasts need a regular series")
    }

    /// The `count` timestamps after the last, written in the input's style.
    public func future(_ count: Int) -> [Timestamp] {
        (1...max(count, 1)).prefix(count).map { h in
            switch unit {
            case .number: return .number(last + Double(h) * step)
            case .second: return .text(Self.format(last + Double(h) * step, style: style))
            case .month:
                let start = Self.civil(last)
                let months = start.year * 12 + start.month - 1 + h * Int(step)
                let (year, month) = (months >= 0 ? months / 12 : (months - 11) / 12, ((months % 12) + 12) % 12 + 1)
                // The day is kept, or the month's last day where the month is shorter (or always,
                // for a series on month ends).
                let last = Self.daysIn(year: year, month: month)
                let day = monthEnds == true ? last : min(start.day, last)
                let key = Double(Self.days(year: year, month: month, day: day)) * 86_400 + Double(start.secondOfDay)
                return .text(Self.format(key, style: style))
            }
        }
    }

    /// A forecast's timestamp: a number or a text, as the input had them.
    public enum Timestamp: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, UTC)

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ seconds: Double) -> (year: Int, month: Int, day: Int, secondOfDay: Int) {
        let total = Int(seconds.rounded(.down))
        let z0 = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - z0 * 86_400
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day, secondOfDay)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        days(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1) - days(year: year, month: month, day: 1)
    }

    static func format(_ key: Double, style: Style) -> String {
        if style == .number { return key == key.rounded() && Swift.abs(key) < 1e15 ? String(Int64(key)) : String(key) }
        let c = civil(key)
        let date = String(format: "%04d-%02d", c.year, c.month)
        switch style {
        case .month: return date
        case .date: return date + String(format: "-%02d", c.day)
        default:
            let s = c.secondOfDay
            return date + String(format: "-%02dT%02d:%02d:%02dZ", c.day, s / 3600, s / 60 % 60, s % 60)
        }
    }

    /// Seconds since 1970 of an ISO 8601 date or date-time, or the number itself.
    static func instant(_ text: String) -> (Double, Style)? {
        if let number = Double(text) { return number.isFinite ? (number, .number) : nil }
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for b in bytes[start..<(start + count)] {
                guard (48...57).contains(b) else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard let year = digits(0, 4), bytes.count >= 7, bytes[4] == UInt8(ascii: "-"), let month = digits(5, 2), (1...12).contains(month) else { return nil }
        if bytes.count == 7 { return (Double(days(year: year, month: month, day: 1)) * 86_400, .month) }
        guard bytes.count >= 10, bytes[7] == UInt8(ascii: "-"), let day = digits(8, 2), (1...daysIn(year: year, month: month)).contains(day) else { return nil }
        let date = Double(days(year: year, month: month, day: day)) * 86_400
        if bytes.count == 10 { return (date, .date) }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), let hour = digits(11, 2), hour < 24,
              bytes.count >= 16, bytes[13] == UInt8(ascii: ":"), let minute = digits(14, 2), minute < 60 else { return nil }
        var i = 16, second = 0.0
        if i < bytes.count, bytes[i] == UInt8(ascii: ":") {
            guard let whole = digits(17, 2), whole <= 60 else { return nil }
            second = Double(whole)
            i = 19
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 0.1
                while i < bytes.count, (48...57).contains(bytes[i]) { second += Double(bytes[i] - 48) * scale; scale /= 10; i += 1 }
            }
        }
        var offset = 0
        if i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "Z") where i + 1 == bytes.count: break
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let oh = digits(i + 1, 2), let om = digits(i + (bytes.count == i + 5 ? 3 : 4), 2), bytes.count == i + 5 || bytes.count == i + 6 else { return nil }
                offset = (oh * 3600 + om * 60) * (bytes[i] == UInt8(ascii: "+") ? 1 : -1)
            default: return nil
            }
        }
        return (date + Double(hour * 3600 + minute * 60) + second - Double(offset), .dateTime)
    }
}

extension TimeAxis.Style {
    var precision: Int {
        switch self { case .number: return 0; case .month: return 1; case .date: return 2; case .dateTime: return 3 }
    }
}
