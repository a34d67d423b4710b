import ATSCLI

@main
struct Main {
    static func main() async {
        await RouterCommand.main(nil)
    }
}
