package mangaassist.support.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small inline SVG charts for the benchmark report: no script, no font or file from elsewhere. */
final class Svg {

    static final int WIDTH = 560;
    static final int HEIGHT = 260;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 44;
    private static final String[] COLOURS = {"#2f6db5", "#d9822b", "#3a9e5c", "#b53f6d"};

    private Svg() {
    }

    /** A histogram: one bar per bucket, labelled with the bucket's upper bound. */
    static String histogram(String title, String xLabel, double[] upper, long[] counts) {
        StringBuilder b = open(title);
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        double top = nice(max);
        yAxis(b, top, "count");
        int n = Math.max(1, counts.length);
        double slot = (double) plotWidth() / n;
        for (int i = 0; i < counts.length; i++) {
            double h = counts[i] / top * plotHeight();
            b.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"%s\"><title>≤ %s: %d</title></rect>%n", LEFT + i * slot + 1, TOP + plotHeight() - h,
                    Math.max(1, slot - 2), h, COLOURS[0], number(upper[i]), counts[i]));
            if (n <= 12 || i % Math.ceil(n / 12.0) == 0) {
                text(b, LEFT + i * slot + slot / 2, TOP + plotHeight() + 14, "middle", "≤" + number(upper[i]));
            }
        }
        text(b, LEFT + plotWidth() / 2.0, HEIGHT - 6, "middle", xLabel);
        return b.append("</svg>\n").toString();
    }

    /** Lines over x = 0, 1, 2… (seconds), with an optional horizontal limit (a target or a budget). */
    static String lines(String title, String xLabel, String yLabel, Map<String, double[]> series, Double limit,
                        String limitLabel) {
        StringBuilder b = open(title);
        double max = limit == null ? 0 : limit;
        int points = 1;
        for (double[] s : series.values()) {
            points = Math.max(points, s.length);
            for (double v : s) {
                max = Math.max(max, v);
            }
        }
        // headroom above the highest point or limit, for the limit's label and the legend
        double top = nice(max <= 0 ? 1 : max * 1.15);
        yAxis(b, top, yLabel);
        double step = points <= 1 ? plotWidth() : (double) plotWidth() / (points - 1);
        int colour = 0;
        int legendY = TOP + 4;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            StringBuilder path = new StringBuilder();
            double[] v = s.getValue();
            for (int i = 0; i < v.length; i++) {
                path.append(String.format(Locale.ROOT, "%s%.1f,%.1f ", i == 0 ? "M" : "L", LEFT + i * step,
                        TOP + plotHeight() - v[i] / top * plotHeight()));
            }
            String c = COLOURS[colour++ % COLOURS.length];
            b.append("<path class=\"series\" fill=\"none\" stroke=\"").append(c).append("\" stroke-width=\"1.5\" d=\"")
                    .append(path.toString().strip()).append("\"/>\n");
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>",
                    WIDTH - RIGHT - 150, legendY, c));
            text(b, WIDTH - RIGHT - 136, legendY + 5, "start", s.getKey());
            legendY += 13;
        }
        if (limit != null) {
            double y = TOP + plotHeight() - limit / top * plotHeight();
            b.append(String.format(Locale.ROOT, "<line class=\"limit\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#c0392b\" stroke-dasharray=\"5,4\"/>%n", LEFT, LEFT + plotWidth(), y, y));
            text(b, LEFT + 4, y - 4, "start", limitLabel);
        }
        int every = Math.max(1, (int) Math.ceil(points / 10.0));
        for (int i = 0; i < points; i += every) {
            text(b, LEFT + i * step, TOP + plotHeight() + 14, "middle", Integer.toString(i));
        }
        text(b, LEFT + plotWidth() / 2.0, HEIGHT - 6, "middle", xLabel);
        return b.append("</svg>\n").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, escape(title)));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        text(b, LEFT, 16, "start", title);
        return b;
    }

    private static void yAxis(StringBuilder b, double top, String label) {
        for (int t = 0; t <= 4; t++) {
            double y = TOP + plotHeight() - t / 4.0 * plotHeight();
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, LEFT + plotWidth(), y, y));
            text(b, LEFT - 4, y + 4, "end", number(top * t / 4));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + plotHeight() / 2, TOP + plotHeight() / 2, escape(label)));
    }

    private static void text(StringBuilder b, double x, double y, String anchor, String s) {
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor,
                escape(s)));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}: the axis' top. */
    static double nice(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : List.of(1.0, 2.0, 5.0, 10.0)) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }
}
