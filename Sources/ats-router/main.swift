import ATSCLI

RouterCommand.main()
