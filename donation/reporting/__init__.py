"""What the offices and the public see: the daily report and its files, the transparency page, each role's today."""
