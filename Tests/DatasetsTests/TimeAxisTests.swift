import Datasets
import Testing

@Suite struct TimeAxes {
    func axis(_ texts: [String]) throws -> TimeAxis {
        let parsed = try TimeAxis.parse(texts, field: "timestamp")
        return try TimeAxis.infer(sorted: parsed.keys, style: parsed.style, series: "s")
    }

    @Test func monthsQuartersAndMonthEnds() throws {
        let monthly = try axis(["2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01"])
        #expect(monthly.unit == .month && monthly.step == 1)
        #expect(monthly.future(3) == [.text("2024-03-01"), .text("2024-04-01"), .text("2024-05-01")])
        let quarterly = try axis(["2023-01", "2023-04", "2023-07"])
        #expect(quarterly.future(2) == [.text("2023-10"), .text("2024-01")])
        // The 31st of a month carries into shorter months as their last day.
        let ends = try axis(["2024-01-31", "2024-03-31"])
        #expect(ends.future(2) == [.text("2024-05-31"), .text("2024-07-31")])
        #expect(try axis(["2023-12-31", "2024-01-31"]).future(1) == [.text("2024-02-29")])
        // A series on month ends stays on them.
        #expect(try axis(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]).future(3) == [.text("2024-05-31"), .text("2024-06-30"), .text("2024-07-31")])
    }

    @Test func fixedStepsInSecondsAndNumbers() throws {
        let hourly = try axis(["2024-03-09T22:00:00Z", "2024-03-09T23:00:00Z", "2024-03-10 00:00"])
        #expect(hourly.unit == .second && hourly.step == 3600)
        #expect(hourly.future(2) == [.text("2024-03-10T01:00:00Z"), .text("2024-03-10T02:00:00Z")])
        // An offset is read as the instant it names.
        #expect(try axis(["2024-03-10T02:00:00+02:00", "2024-03-10T01:00:00Z"]).step == 3600)
        let weekly = try axis(["2024-02-19", "2024-02-26", "2024-03-04"])
        #expect(weekly.future(1) == [.text("2024-03-11")])
        let numbered = try TimeAxis.infer(sorted: [1990, 1995, 2000], style: .number, series: "")
        #expect(numbered.future(2) == [.number(2005), .number(2010)])
    }

    @Test func irregularDuplicateAndBadTimestampsAreNamed() throws {
        #expect { try axis(["2024-01-01", "2024-01-02", "2024-01-04"]) } throws: {
            "\($0)".contains("series 's' is not evenly spaced") && "\($0)".contains("2024-01-02 to 2024-01-04")
        }
        #expect { try axis(["2024-01-01", "2024-01-01"]) } throws: { "\($0)".contains("two values at 2024-01-01") }
        #expect { try TimeAxis.parse(["2024-01-01", "yesterday"], field: "timestamp") } throws: { "\($0)".contains("row 2") }
        #expect { try TimeAxis.parse(["2024-02-30"], field: "timestamp") } throws: { "\($0)".contains("not a timestamp") }
        #expect { try TimeAxis.parse(["2024-01-01", "17"], field: "timestamp") } throws: { "\($0)".contains("mixes numbers and dates") }
    }
}
