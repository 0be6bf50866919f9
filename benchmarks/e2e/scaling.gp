# Plots report.py's data files into results/scaling.png.
#   gnuplot -e "results='benchmarks/results'" benchmarks/e2e/scaling.gp
if (!exists("results")) results = "benchmarks/results"
set terminal pngcairo size 1200,480 font ",10"
set output results."/scaling.png"
set multiplot layout 1,2 title "rangeup-upload against a loopback rangeup-emulator"
set key top left
set grid
set ytics nomirror
set y2tics
set y2label "peak RSS (MiB)"
set y2range [0:20]
set yrange [0:*]

set title "time vs file size (10 MiB fragments)"
set xlabel "file size (MiB)"
set ylabel "seconds"
set logscale x 2
plot results."/raw/size.dat" using 1:2 with linespoints title "rangeup-upload s", \
     "" using 1:3 with linespoints title "curl (c) s", \
     "" using 1:4 axes x1y2 with linespoints dashtype 2 title "rangeup-upload RSS", \
     16 axes x1y2 with lines dashtype 3 title "RSS target"

set title "throughput vs fragment size"
set xlabel "fragment size (MiB)"
set ylabel "MiB/s"
set logscale x 2
plot results."/raw/chunk.dat" using 1:2 with linespoints title "rangeup-upload MiB/s", \
     "" using 1:3 with linespoints title "curl (c) MiB/s", \
     "" using 1:4 axes x1y2 with linespoints dashtype 2 title "rangeup-upload RSS", \
     16 axes x1y2 with lines dashtype 3 title "RSS target"
unset multiplot
