import KosmosAPI
import Testing

@Suite struct TablePrinterTests {
    @Test func readyMadeCellsArePaddedLikeKubectl() {
        let text = TablePrinter.render(headers: ["NAME", "STATUS", "AGE"],
                                       rows: [["web-1", "Running", "5s"], ["a", "Pending"]])
        #expect(text == "NAME    STATUS    AGE\n" + "web-1   Running   5s\n" + "a       Pending   \n")
    }

    @Test func headersAloneGiveOneLine() {
        #expect(TablePrinter.render(headers: ["A", "B"], rows: []) == "A   B\n")
    }
}
