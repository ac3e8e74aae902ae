using CnnArch.Bench;

Console.OutputEncoding = System.Text.Encoding.UTF8;
var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
return BenchApp.Run(args, stdout, Console.Error);
