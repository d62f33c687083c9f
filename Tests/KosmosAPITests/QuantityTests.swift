import Testing
@testable import KosmosAPI

/// Cases derived from apimachinery's `resource.Quantity` semantics (its parse, string and arithmetic tables).
@Suite struct QuantityTests {
    // input -> canonical output, as kube-apiserver stores it
    @Test(arguments: [
        ("0", "0"), ("0n", "0"), ("0m", "0"), ("0Ki", "0"), ("0Mi", "0"), ("0G", "0"), ("-0", "0"), ("00", "0"),
        ("1", "1"), ("1000m", "1"), ("1500m", "1500m"), ("0.5", "500m"), ("0.1", "100m"), (".001", "1m"),
        ("1Ki", "1Ki"), ("8Ki", "8Ki"), ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"),
        ("0.5Gi", "512Mi"), ("0.5Ki", "512"), ("1.1Ki", "1126400m"), ("1025Ki", "1025Ki"),
        ("100k", "100k"), ("1000M", "1G"), ("50k", "50k"), ("40T", "40T"), ("300T", "300T"), ("12E", "12E"),
        ("1e3", "1e3"), ("1E6", "1E6"), ("1E-3", "1E-3"), ("1.2e3", "1200"), ("1.3E+6", "1300e3"),
        ("1.5e-3", "1500e-6"), ("0.5e0", "500e-3"), ("1e14", "100e12"),
        ("100.035k", "100.035k"), ("10.035M", "10.035M"), ("7.123456M", "7.123456M"),
        ("6.987654321G", "6.987654321G"), ("5.444T", "5.444T"), ("2.5P", "2500T"), ("1.01E", "1010P"), ("8.1k", "8100"), ("9.01", "9010m"),
        ("0.0005k", "500m"), ("0.00050k", "500m"), ("0.05000", "50m"),
        ("3.001n", "4n"), ("1.1E-9", "2e-9"), ("0.0000000001", "1n"), ("0.0000000005", "1n"), ("0.9n", "1n"),
        ("0.00000012345", "124n"), ("0.1m", "100u"), ("-0.1n", "-1n"),
        ("9Ei", "9223372036854775807"), ("9223372036854775807Ki", "9223372036854775807"),
        ("100.035Ki", "102435840m"), ("0.5Mi", "512Ki"), ("0.05Gi", "53687091200m"), ("0.025Ti", "27487790694400m"),
        ("0.000000000001Ki", "2n"), (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"),
        (".0001k", "100m"), ("1.", "1."), ("1.G", "1.G"), (".", "0"), ("+", "0"),
        ("-1500m", "-1500m"), ("-1Gi", "-1Gi"), ("-.5", "-500m"),
        ("1000000E", "1e24"), ("1000E", "1e21"),
        // Kubernetes echoes a string it parses on its fast path when it is already canonical-looking.
        ("+1", "+1"), ("01", "01"), ("+1Ki", "+1Ki"),
    ])
    func parsesAndPrintsLikeKubernetes(input: String, expected: String) throws {
        let q = try Quantity.parse(input)
        #expect(q.description == expected, "\(input)")
        // The printed form parses back to the same value.
        #expect(try Quantity.parse(q.description) == q)
        // The negated input has the negated value.
        if !input.hasPrefix("-"), !input.hasPrefix("+") {
            #expect(try Quantity.parse("-" + input) == -q)
        }
    }

    /// Where Kubernetes echoes the input (its int64 fast path keeps strings whose digits and scale look canonical),
    /// `canonical` still gives the recomputed form, which is what arithmetic results print.
    @Test(arguments: [
        ("1E6", "1e6"), ("1E-3", "1e-3"), ("100.035k", "100035"), ("10.035M", "10035k"), ("7.123456M", "7123456"),
        ("6.987654321G", "6987654321"), ("5.444T", "5444G"), ("1.", "1"), ("1.G", "1G"), ("+1", "1"), ("01", "1"),
        ("1Ki", "1Ki"), ("500m", "500m"),
    ])
    func canonicalIgnoresEcho(input: String, canonical: String) throws {
        let q = try Quantity.parse(input)
        #expect(q.canonical == canonical)
        #expect((q + .zero).description == canonical)
    }

    @Test(arguments: [
        ("0", Quantity.Format.decimalSI), ("1Ki", .binarySI), ("0Ki", .binarySI), ("1e3", .decimalExponent),
        ("0.5e-1", .decimalExponent), ("1E", .decimalSI), ("0.000000000001Ki", .decimalSI), ("0.5Mi", .binarySI),
        ("9Ei", .binarySI),
    ])
    func remembersFormat(input: String, format: Quantity.Format) throws {
        #expect(try Quantity.parse(input).format == format)
    }

    @Test(arguments: [
        "", " 1", "1 ", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-",
        "1e4294967297", "1e", "1Ki1", "e-20", "-.e-20", "1e2147483648", "1e2000",
    ])
    func rejectsInvalid(input: String) {
        #expect(throws: QuantityParseError.self) { try Quantity.parse(input) }
    }

    @Test func errorMessagesMatchApimachinery() {
        func message(_ s: String) -> String? {
            do {
                _ = try Quantity.parse(s)
                return nil
            } catch { return error.message }
        }
        #expect(message("abc") == QuantityParseError.formatWrong)
        #expect(message("1Qi") == QuantityParseError.formatWrong)
        #expect(message("1i") == QuantityParseError.suffix)
        #expect(message("e-20") == QuantityParseError.numeric)
        #expect(String(describing: QuantityParseError(input: "x", message: "m")) == "parse quantity \"x\": m")
    }

    @Test func printsProgrammaticValues() {
        #expect(Quantity(milli: 1).description == "1m")
        #expect(Quantity(milli: 1000).description == "1")
        #expect(Quantity(milli: 1234000).description == "1234")
        #expect(Quantity(milli: 1024, format: .binarySI).description == "1024m")
        #expect(Quantity(milli: 1024 * 1024, format: .binarySI).description == "1048576m")
        #expect(Quantity(milli: 1_000_000, format: .decimalExponent).description == "1e3")
        #expect(Quantity(1000).description == "1k")
        #expect(Quantity(1234000).description == "1234k")
        #expect(Quantity(1024, format: .binarySI).description == "1Ki")
        #expect(Quantity(1024 * 1024, format: .binarySI).description == "1Mi")
        #expect(Quantity(1_000_000, format: .decimalExponent).description == "1e6")
        #expect(Quantity(2000, format: .binarySI).description == "2000")
        #expect(Quantity(-2000, format: .binarySI).description == "-2000")
        #expect(Quantity(300 * 1024 * 1024, format: .binarySI).description == "300Mi")
        #expect(Quantity(1001 * 1024 * 1024 * 1024, format: .binarySI).description == "1001Gi")
        #expect(Quantity(5, format: .binarySI).description == "5")
        #expect(Quantity(scaled: 1, exponent: -9).description == "1n")
        #expect(Quantity(scaled: 1000, exponent: -9).description == "1u")
        #expect(Quantity(scaled: 108, exponent: -2).description == "1080m")
        #expect(Quantity(scaled: 10800, exponent: -10).description == "1080n")
        #expect(Quantity(scaled: 1, exponent: -12).description == "1e-12")
        #expect(Quantity(scaled: 1, exponent: -10).description == "100e-12")
        #expect(Quantity(scaled: 80, exponent: -3, format: .decimalExponent).description == "80e-3")
        #expect(Quantity(scaled: 300, exponent: 6, format: .decimalExponent).description == "300e6")
        #expect(Quantity(scaled: 1, exponent: 70, format: .binarySI).description == "10e69")
        #expect(Quantity(scaled: 1, exponent: 72, format: .binarySI).description == "1e72")
        #expect(Quantity(scaled: 1234567, exponent: -3, format: .binarySI).description == "1234567m")
        #expect((-Quantity(scaled: 901, exponent: -2)).description == "-9010m")
    }

    @Test func binaryPastEiPrintsExactDecimal() throws {
        let q = try Quantity.parse("1Ei") * 1024
        #expect(q.description == "1180591620717411303424")
        #expect(try Quantity.parse(q.description) == q)
        let big = Quantity(Int64.min, format: .binarySI)
        #expect((Quantity.zero - big).description == "8Ei")
        #expect((Quantity.zero - big).format == .binarySI)
        #expect((-Quantity(Int64.min)).description == "9223372036854775808")
        #expect((Quantity(1) - Quantity(Int64.min)).description == "9223372036854775809")
        #expect((-Quantity(scaled: Int64.min, exponent: -3)).description == "9223372036854775808m")
    }

    @Test func arithmeticIsExact() throws {
        let a: Quantity = "100m", b: Quantity = "1Gi"
        #expect((a + .zero).description == "100m")
        #expect((Quantity.zero + a).description == "100m")
        #expect((b + .zero).description == "1Gi")
        #expect((Quantity.zero + b).description == "1Gi")
        #expect((Quantity.zero - a).description == "-100m")
        #expect((Quantity.zero - b).description == "-1Gi")
        #expect((Quantity(10) - Quantity(scaled: 1, exponent: 1)).isZero)
        #expect((Quantity(10) - Quantity(1, format: .binarySI)).description == "9")
        #expect((Quantity(10, format: .binarySI) - Quantity(1)).format == .binarySI)
        #expect(("1.5" as Quantity) + "500m" == "2")
        #expect((("1.5" as Quantity) + "500m").description == "2")
        #expect(("1Gi" as Quantity) - "512Mi" == "512Mi")
        #expect((("1Gi" as Quantity) - "512Mi").description == "512Mi")
        #expect((("250m" as Quantity) * 4).description == "1")
        #expect((("1Gi" as Quantity) * -3).description == "-3Gi")
        var sum = Quantity.zero
        for _ in 0..<10 { sum += "100m" }
        #expect(sum == "1")
        #expect(sum.description == "1")
        // Far beyond Int64: stays exact.
        let huge: Quantity = "9E"
        let h2 = huge * 1000 + "1n"
        #expect(h2 - huge * 1000 == "1n")
        #expect((h2 - huge * 1000).description == "1n")
        // 0.1 + 0.2 == 0.3 exactly.
        #expect(("0.1" as Quantity) + "0.2" == "0.3")
    }

    @Test func comparesByValue() throws {
        func cmp(_ a: String, _ b: String) throws -> Int { try Quantity.parse(a).compare(Quantity.parse(b)) }
        #expect(try cmp("0", "0") == 0)
        #expect(try cmp("100m", "50m") == 1)
        #expect(try cmp("50m", "100m") == -1)
        #expect(try cmp("10000T", "100Gi") == 1)
        #expect(try cmp("1Ki", "1024") == 0)
        #expect(try cmp("1e3", "1k") == 0)
        #expect(try cmp("-1", "1n") == -1)
        #expect(try cmp("-2", "-1") == -1)
        #expect(try cmp("1e1000", "9E") == 1)
        #expect(try cmp("800m", "0.79") == 1)
        #expect(try cmp("999999999999999999999999", "1e24") == -1)
        let set: Set<Quantity> = ["1Ki", "1024", "1.024k", "1"]
        #expect(set.count == 2)
        #expect(try [Quantity.parse("2"), Quantity.parse("500m"), Quantity.parse("1Ki")].sorted().map(\.description)
            == ["500m", "2", "1Ki"])
    }

    @Test func valuesRoundAwayFromZero() throws {
        for (s, v, m) in [
            ("-.484785E-7466", Int64(-1), Int64(-1)), (".484785E-7466", 1, 1),
            ("-.484785E-1", -1, -49), (".484785E-1", 1, 49), ("-0.0005", -1, -1), ("0.0005", 1, 1),
            ("-1500m", -2, -1500), ("1500m", 2, 1500),
            ("-9.5000000001Gi", -10200547329, -10200547328108), ("9.5000000001Gi", 10200547329, 10200547328108),
            ("-1", -1, -1000), ("1", 1, 1000), ("0", 0, 0), ("1Gi", 1 << 30, 1000 << 30),
        ] {
            let q = try Quantity.parse(s)
            #expect(q.value == v, "\(s)")
            #expect(q.milliValue == m, "\(s)")
        }
        #expect(Quantity(scaled: 1, exponent: -9).scaledValue(exponent: -6) == 1)
        #expect(Quantity(scaled: 1, exponent: 2).scaledValue(exponent: -2) == 10000)
        #expect(try Quantity.parse("1e30").value == Int64.max)
        #expect(try Quantity.parse("-1e30").value == Int64.min)
        #expect(try Quantity.parse("1536Mi").int64Value == 1536 << 20)
        #expect(try Quantity.parse("1.5").int64Value == nil)
        #expect(try Quantity.parse("2.5").doubleValue == 2.5)
    }

    @Test func convertsToAndFromJSON() throws {
        #expect(Quantity(jsonValue: "500m")?.description == "500m")
        #expect(Quantity(jsonValue: " 1 ")?.description == "1")
        #expect(Quantity(jsonValue: .int(10))?.description == "10")
        #expect(Quantity(jsonValue: .int(-1))?.description == "-1")
        #expect(Quantity(jsonValue: .double(0.5))?.description == "500m")
        #expect(Quantity(jsonValue: .double(1e-7))?.description == "100e-9")
        #expect(Quantity(jsonValue: "bogus") == nil)
        #expect(Quantity(jsonValue: .bool(true)) == nil)
        #expect(("1.5Gi" as Quantity).jsonValue == "1536Mi")
        let resources = try JSONValue.parse(#"{"cpu":"2","memory":"1536Mi","ephemeral-storage":1e3}"#)
        let map = try #require([String: Quantity](jsonValue: resources))
        #expect(map["cpu"] == 2)
        #expect(map["memory"]?.value == 1536 << 20)
        #expect(map["ephemeral-storage"] == "1k")
    }

    @Test func magnitudeArithmetic() {
        let a = QuantityMagnitude(digits: "123456789012345678901234567890".utf8)!
        #expect(a.description == "123456789012345678901234567890")
        #expect(a.decimalDigitCount == 30)
        let b = a.multiplied(by: a)
        #expect(b.description == "15241578753238836750495351562536198787501905199875019052100")
        #expect(b.divided(by: 10).remainder == 0)
        #expect(a.adding(a).subtracting(a) == a)
        #expect(QuantityMagnitude(1).timesPow2(70).description == "1180591620717411303424")
        #expect(QuantityMagnitude(1).timesPow10(25).removingTrailingDecimalZeros().1 == 25)
        #expect(QuantityMagnitude(3).timesPow2(60).removingFactors1024().1 == 6)
        #expect(QuantityMagnitude(UInt64.max).adding(QuantityMagnitude(1)).description == "18446744073709551616")
        #expect(QuantityMagnitude(digits: "18446744073709551616".utf8)!.subtracting(QuantityMagnitude(1)).uint64 == .max)
        #expect(a.dividedByPow10(29).quotient.uint64 == 1)
        #expect(a.dividedByPow10(29).inexact)
        #expect(QuantityMagnitude(5) < a)
    }
}
