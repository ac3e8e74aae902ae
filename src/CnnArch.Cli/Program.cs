using CnnArch.Cli;

Console.OutputEncoding = System.Text.Encoding.UTF8;
// Standard output through one buffered UTF-8 writer: a report goes out in a few large writes (JSON
// straight as bytes, see CliApp.WriteUtf8) rather than a system call per piece; on a terminal every
// write is flushed at once so that it interleaves with standard error as it happens. What is left in
// the buffer is flushed by CliApp.Finish, which turns a write error (a full disk) into one line.
var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = !Console.IsOutputRedirected };
return CliApp.Finish(stdout, Console.Error, CliApp.Run(args, stdout, Console.Error, isTerminal: !Console.IsOutputRedirected));
