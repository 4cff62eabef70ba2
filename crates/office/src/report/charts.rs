//! Native bar charts of the Word file: one `word/charts/chartN.xml` part (DrawingML `c:chartSpace` with a
//! `c:barChart`) per chart, its values cached in the part itself so that Word and LibreOffice draw it without
//! an embedded workbook. Elements are written in the order of the ECMA-376 chart schema.

use crate::registrations::push_escaped;

const C_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Series colours, in order.
const COLOURS: [&str; 4] = ["4472C4", "C00000", "70AD47", "ED7D31"];

/// A bar chart: categories along one axis, one bar per series in each category.
pub(crate) struct BarChart {
    pub title: String,
    pub categories: Vec<String>,
    /// (name, one value per category).
    pub series: Vec<(String, Vec<f64>)>,
    /// Horizontal bars (long category names), else columns.
    pub horizontal: bool,
    /// Values are percentages (0–100), shown with one decimal.
    pub percent: bool,
}

/// Column letter of the `i`-th series in the (absent) data sheet the references name: B, C, D …
fn column(i: usize) -> char {
    char::from(b'B' + (i as u8 % 24))
}

fn push_text(out: &mut String, s: &str) {
    push_escaped(out, &crate::registrations::clean(s));
}

/// Run properties of every text of the chart: Times New Roman, `size` in hundredths of a point.
fn push_rpr(out: &mut String, tag: &str, size: u32, bold: bool) {
    out.push_str(&format!(
        "<a:{tag} sz=\"{size}\" b=\"{}\"><a:latin typeface=\"Times New Roman\"/><a:cs typeface=\"Times New Roman\"/></a:{tag}>",
        u8::from(bold)
    ));
}

fn push_tx_pr(out: &mut String, size: u32) {
    out.push_str("<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>");
    push_rpr(out, "defRPr", size, false);
    out.push_str("</a:pPr><a:endParaRPr lang=\"vi-VN\"/></a:p></c:txPr>");
}

/// The chart part.
pub(crate) fn chart_xml(c: &BarChart) -> String {
    let n = c.categories.len();
    let last = n + 1;
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str(&format!(
        "<c:chartSpace xmlns:c=\"{C_NS}\" xmlns:a=\"{A_NS}\" xmlns:r=\"{R_NS}\">\
         <c:date1904 val=\"0\"/><c:lang val=\"vi-VN\"/><c:roundedCorners val=\"0\"/><c:chart>"
    ));
    // Title.
    out.push_str("<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>");
    push_rpr(&mut out, "defRPr", 1200, true);
    out.push_str("</a:pPr><a:r>");
    push_rpr(&mut out, "rPr", 1200, true);
    out.push_str("<a:t>");
    push_text(&mut out, &c.title);
    out.push_str("</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title>");
    out.push_str("<c:autoTitleDeleted val=\"0\"/><c:plotArea><c:layout/><c:barChart>");
    out.push_str(&format!(
        "<c:barDir val=\"{}\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>",
        if c.horizontal { "bar" } else { "col" }
    ));
    // Counts without a thousands separator: the reader's locale would show "2,000" or "2.000".
    let format = if c.percent { "0.0" } else { "0" };
    for (i, (name, values)) in c.series.iter().enumerate() {
        let col = column(i);
        out.push_str(&format!(
            "<c:ser><c:idx val=\"{i}\"/><c:order val=\"{i}\"/><c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f>\
             <c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\"><c:v>"
        ));
        push_text(&mut out, name);
        out.push_str(&format!(
            "</c:v></c:pt></c:strCache></c:strRef></c:tx>\
             <c:spPr><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></c:spPr>\
             <c:invertIfNegative val=\"0\"/>",
            COLOURS[i % COLOURS.len()]
        ));
        out.push_str(&format!(
            "<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache><c:ptCount val=\"{n}\"/>"
        ));
        for (j, cat) in c.categories.iter().enumerate() {
            out.push_str(&format!("<c:pt idx=\"{j}\"><c:v>"));
            push_text(&mut out, cat);
            out.push_str("</c:v></c:pt>");
        }
        out.push_str("</c:strCache></c:strRef></c:cat>");
        out.push_str(&format!(
            "<c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${last}</c:f><c:numCache>\
             <c:formatCode>{format}</c:formatCode><c:ptCount val=\"{n}\"/>"
        ));
        for (j, v) in values.iter().take(n).enumerate() {
            let v = if v.is_finite() { *v } else { 0.0 };
            out.push_str(&format!("<c:pt idx=\"{j}\"><c:v>{v}</c:v></c:pt>"));
        }
        out.push_str("</c:numCache></c:numRef></c:val></c:ser>");
    }
    out.push_str(&format!(
        "<c:dLbls><c:numFmt formatCode=\"{format}\" sourceLinked=\"0\"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
    ));
    push_tx_pr(&mut out, 900);
    out.push_str(
        "<c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/>\
         <c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>\
         <c:gapWidth val=\"80\"/><c:axId val=\"111\"/><c:axId val=\"222\"/></c:barChart>",
    );
    let (cat_pos, val_pos) = if c.horizontal { ("l", "b") } else { ("b", "l") };
    // Horizontal bars list the first category at the top.
    let cat_orientation = if c.horizontal { "maxMin" } else { "minMax" };
    out.push_str(&format!(
        "<c:catAx><c:axId val=\"111\"/><c:scaling><c:orientation val=\"{cat_orientation}\"/></c:scaling>\
         <c:delete val=\"0\"/><c:axPos val=\"{cat_pos}\"/><c:numFmt formatCode=\"General\" sourceLinked=\"0\"/>\
         <c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/>"
    ));
    push_tx_pr(&mut out, 1000);
    out.push_str(
        "<c:crossAx val=\"222\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/>\
         <c:lblOffset val=\"100\"/><c:noMultiLvlLbl val=\"0\"/></c:catAx>",
    );
    out.push_str(&format!(
        "<c:valAx><c:axId val=\"222\"/><c:scaling><c:orientation val=\"minMax\"/>{}</c:scaling>\
         <c:delete val=\"0\"/><c:axPos val=\"{val_pos}\"/>\
         <c:majorGridlines><c:spPr><a:ln w=\"6350\"><a:solidFill><a:srgbClr val=\"D9D9D9\"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>\
         <c:numFmt formatCode=\"{}\" sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/>\
         <c:tickLblPos val=\"nextTo\"/>",
        if c.percent {
            "<c:max val=\"100\"/><c:min val=\"0\"/>"
        } else {
            "<c:min val=\"0\"/>"
        },
        "0"
    ));
    push_tx_pr(&mut out, 1000);
    out.push_str(
        "<c:crossAx val=\"111\"/><c:crosses val=\"autoZero\"/><c:crossBetween val=\"between\"/></c:valAx>\
         </c:plotArea>",
    );
    if c.series.len() > 1 {
        out.push_str("<c:legend><c:legendPos val=\"b\"/><c:overlay val=\"0\"/>");
        push_tx_pr(&mut out, 1000);
        out.push_str("</c:legend>");
    }
    out.push_str("<c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>");
    out.push_str("<c:spPr><a:solidFill><a:srgbClr val=\"FFFFFF\"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>");
    push_tx_pr(&mut out, 1000);
    out.push_str("</c:chartSpace>");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_caches_every_value_and_escapes_names() {
        let c = BarChart {
            title: "Học tập <chuyên đề>".into(),
            categories: vec!["2019".into(), "2020".into()],
            series: vec![
                ("Phải dự".into(), vec![10.0, 20.0]),
                ("Tham dự".into(), vec![9.0, f64::NAN]),
            ],
            horizontal: false,
            percent: false,
        };
        let x = chart_xml(&c);
        assert!(x.contains("Học tập &lt;chuyên đề&gt;"));
        assert!(x.contains("<c:pt idx=\"1\"><c:v>2020</c:v></c:pt>"));
        assert!(x.contains("Sheet1!$C$2:$C$3"));
        assert!(x.contains("<c:pt idx=\"1\"><c:v>0</c:v></c:pt>"));
        assert!(x.contains("<c:barDir val=\"col\"/>"));
    }
}
