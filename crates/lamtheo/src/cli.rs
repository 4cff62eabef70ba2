//! Command-line interface. Help is in Vietnamese throughout (headings included).

use clap::{Arg, ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "lamtheo",
    version,
    about = "lamtheo – quản lý việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW)"
)]
pub struct Cli {
    /// Địa chỉ cơ sở dữ liệu: postgres://… cho PostgreSQL; để trống dùng SQLite trong thư mục dữ liệu
    #[arg(long, global = true, env = "LAMTHEO_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Thư mục dữ liệu (chứa lamtheo.db khi dùng SQLite)
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_DATA_DIR",
        default_value = "./lamtheo-data",
        value_name = "THƯ_MỤC"
    )]
    pub data_dir: PathBuf,
    /// Bản đăng ký của ai được công khai: heads-and-key-cadres (người đứng đầu và cán bộ chủ chốt, mặc
    /// định), heads (chỉ người đứng đầu) hoặc all (mọi đảng viên)
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_DISCLOSE",
        default_value = "heads-and-key-cadres",
        value_name = "AI"
    )]
    pub disclose: String,
    /// Số ngày đơn vị phải trả lời phản ánh của nhân dân trước khi bị tính là quá hạn
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_FEEDBACK_DAYS",
        default_value_t = 15,
        value_name = "NGÀY"
    )]
    pub feedback_days: i64,
    /// Các chức vụ được tính thêm là cán bộ chủ chốt, ngăn cách bằng dấu chấm phẩy (so khớp phần đầu chức vụ,
    /// không phân biệt hoa thường và dấu), ví dụ "Trưởng khu phố; Trưởng ấp"
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_KEY_CADRE_TITLES",
        default_value = "",
        value_name = "CHỨC VỤ"
    )]
    pub key_cadre_titles: String,
    /// Địa chỉ người dân dùng để vào máy chủ (cho mã QR trên bản tin), ví dụ https://lamtheo.bentre.gov.vn;
    /// để trống thì lấy theo địa chỉ trình duyệt đang dùng
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_PUBLIC_URL",
        default_value = "",
        value_name = "URL"
    )]
    pub public_url: String,
    /// Chương trình đọc tiếng Việt espeak-ng (để tạo tệp âm thanh bản tin)
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_ESPEAK",
        default_value = "espeak-ng",
        value_name = "CHƯƠNG_TRÌNH"
    )]
    pub espeak: PathBuf,
    /// Định dạng nhật ký ghi ra stderr: text (dễ đọc) hoặc json (mỗi dòng một đối tượng JSON, cho hệ thống
    /// thu thập nhật ký); mức chi tiết đặt bằng biến môi trường LAMTHEO_LOG
    #[arg(
        long,
        global = true,
        env = "LAMTHEO_LOG_FORMAT",
        default_value = "text",
        value_name = "ĐỊNH_DẠNG"
    )]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Chạy máy chủ web
    Serve(ServeArgs),
    /// Tạo hoặc nâng cấp cấu trúc cơ sở dữ liệu
    Migrate,
    /// Quản lý tài khoản
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Nhập đơn vị, đảng viên hoặc các cuộc kiểm tra, giám sát từ tệp CSV/XLSX (có lỗi thì không nhập dòng nào)
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Xuất danh sách ra tệp
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Đo tốc độ (ghi kết quả vào docs/BENCHMARKS.md)
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Lập bản tin phát thanh của một đơn vị cho một khoảng thời gian (in kịch bản đọc ra màn hình)
    Bulletin {
        /// Mã đơn vị (đảng bộ, chi bộ cơ sở)
        #[arg(long, value_name = "MÃ")]
        unit: String,
        /// Từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd)
        #[arg(long, value_name = "NGÀY")]
        from: String,
        /// Đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd)
        #[arg(long, value_name = "NGÀY")]
        to: String,
        /// Ghi tệp âm thanh WAV (cần espeak-ng có giọng tiếng Việt)
        #[arg(long, value_name = "TỆP")]
        audio: Option<PathBuf>,
        /// Ghi thông báo dạng Word (có mã QR tới trang công khai của đơn vị)
        #[arg(long, value_name = "TỆP")]
        docx: Option<PathBuf>,
    },
    /// Lập báo cáo sơ kết, tổng kết của một đơn vị (tính cả các đơn vị trực thuộc) cho một khoảng thời gian,
    /// số liệu tính từ dữ liệu: Word, Excel hoặc JSON (như API)
    Report {
        /// Mã đơn vị
        #[arg(long, value_name = "MÃ")]
        unit: String,
        /// Từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd)
        #[arg(long, value_name = "NGÀY")]
        from: String,
        /// Đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd)
        #[arg(long, value_name = "NGÀY")]
        to: String,
        /// Định dạng: docx, xlsx hoặc json
        #[arg(long, default_value = "docx", value_name = "ĐỊNH_DẠNG")]
        format: String,
        /// Tệp ghi ra
        #[arg(long, value_name = "TỆP")]
        output: PathBuf,
    },
    /// Nạp bộ dữ liệu mẫu vào cơ sở dữ liệu trống
    Demo {
        /// Quy mô: city (thành phố Bến Tre), province (tỉnh) hoặc national (toàn quốc)
        #[arg(long, default_value = "city", value_name = "QUY_MÔ")]
        scale: String,
        /// Số khởi tạo ngẫu nhiên: cùng một số thì tạo ra cùng một bộ dữ liệu
        #[arg(long, default_value_t = 2020, value_name = "SỐ")]
        seed: u64,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Địa chỉ và cổng mạng máy chủ web nhận kết nối
    #[arg(
        long,
        env = "LAMTHEO_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ĐỊA_CHỈ"
    )]
    pub listen: String,
    /// Nạp dữ liệu mẫu trước khi chạy nếu cơ sở dữ liệu còn trống
    #[arg(long, env = "LAMTHEO_DEMO")]
    pub demo: bool,
    /// Đặt cookie Secure (khi chạy sau HTTPS)
    #[arg(long, env = "LAMTHEO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Lấy địa chỉ người dùng từ X-Forwarded-For (chỉ khi chạy sau proxy tin cậy)
    #[arg(long, env = "LAMTHEO_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Nơi liên hệ khi quên mật khẩu, hiện ở trang đăng nhập, ví dụ "Văn phòng Thành ủy, điện thoại 0275 3822 xxx"
    #[arg(
        long,
        env = "LAMTHEO_SUPPORT_CONTACT",
        default_value = "",
        value_name = "LIÊN_HỆ"
    )]
    pub support_contact: String,
    /// Số kết nối mở cùng lúc tối đa (kết nối vượt quá phải chờ; luôn giữ dưới giới hạn số tệp mở của
    /// hệ điều hành)
    #[arg(
        long,
        env = "LAMTHEO_MAX_CONNECTIONS",
        default_value_t = 4096,
        value_name = "SỐ"
    )]
    pub max_connections: usize,
    /// Số kết nối mở cùng lúc tối đa từ một địa chỉ (kết nối vượt quá bị đóng ngay; 0: không giới hạn).
    /// Mặc định 64; khi có --trust-proxy thì mặc định không giới hạn, vì mọi người dùng đến từ địa chỉ của
    /// proxy — khi đó proxy phải tự giới hạn từng người dùng
    #[arg(long, env = "LAMTHEO_MAX_CONNECTIONS_PER_ADDRESS", value_name = "SỐ")]
    pub max_connections_per_address: Option<usize>,
    /// Số giây để máy khách gửi xong phần đầu của yêu cầu (quá hạn thì đóng kết nối; cũng là thời gian giữ
    /// kết nối rảnh)
    #[arg(
        long,
        env = "LAMTHEO_HEADER_TIMEOUT",
        default_value_t = 10,
        value_name = "GIÂY"
    )]
    pub header_timeout: u64,
    /// Số giây tối đa để trả lời một yêu cầu thông thường
    #[arg(
        long,
        env = "LAMTHEO_REQUEST_TIMEOUT",
        default_value_t = 60,
        value_name = "GIÂY"
    )]
    pub request_timeout: u64,
    /// Số giây tối đa cho một lần tải tệp lên, một báo cáo hoặc một tệp xuất lớn
    #[arg(
        long,
        env = "LAMTHEO_LONG_REQUEST_TIMEOUT",
        default_value_t = 900,
        value_name = "GIÂY"
    )]
    pub long_request_timeout: u64,
    /// Số giây tối đa chờ phần tiếp theo của dữ liệu gửi lên (quá hạn thì trả lời 408)
    #[arg(
        long,
        env = "LAMTHEO_BODY_IDLE_TIMEOUT",
        default_value_t = 30,
        value_name = "GIÂY"
    )]
    pub body_idle_timeout: u64,
    /// Số báo cáo, tệp xuất lớn được tạo cùng lúc trên cả máy chủ (0: một nửa số nhân CPU)
    #[arg(
        long,
        env = "LAMTHEO_MAX_HEAVY",
        default_value_t = 0,
        value_name = "SỐ"
    )]
    pub max_heavy: usize,
    /// Số báo cáo, tệp xuất lớn một tài khoản được tạo cùng lúc
    #[arg(
        long,
        env = "LAMTHEO_MAX_HEAVY_PER_USER",
        default_value_t = 2,
        value_name = "SỐ"
    )]
    pub max_heavy_per_user: usize,
    /// Yêu cầu trả lời chậm hơn số mili giây này được ghi thêm một dòng cảnh báo vào nhật ký, kèm số câu
    /// lệnh cơ sở dữ liệu và thời gian chạy chúng
    #[arg(
        long,
        env = "LAMTHEO_SLOW_REQUEST_MS",
        default_value_t = 1000,
        value_name = "MILI_GIÂY"
    )]
    pub slow_request_ms: u64,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Tạo tài khoản (mật khẩu lấy từ LAMTHEO_PASSWORD hoặc hỏi khi chạy)
    Add {
        /// Tên đăng nhập
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        username: String,
        /// Vai trò: admin, office, secretary, inspector, member
        #[arg(long, value_name = "VAI_TRÒ")]
        role: String,
        /// Mã đơn vị được cấp quyền (gồm cả đơn vị trực thuộc)
        #[arg(long, value_name = "MÃ")]
        unit: String,
        /// Với vai trò member: số thẻ đảng viên của hồ sơ gắn với tài khoản
        #[arg(long, value_name = "SỐ_THẺ")]
        member_card: Option<String>,
        /// Họ tên người dùng
        #[arg(long, value_name = "HỌ_TÊN")]
        name: Option<String>,
    },
    /// Liệt kê tài khoản
    List,
    /// Đặt lại mật khẩu (lấy từ LAMTHEO_PASSWORD hoặc hỏi khi chạy); các phiên đăng nhập cũ bị hủy
    Passwd {
        /// Tên đăng nhập
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        username: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// Nhập đơn vị
    Units {
        /// Tệp CSV hoặc XLSX
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        /// Chỉ kiểm tra, không ghi
        #[arg(long)]
        dry_run: bool,
    },
    /// Nhập đảng viên
    Members {
        /// Tệp CSV hoặc XLSX
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        /// Chỉ kiểm tra, không ghi
        #[arg(long)]
        dry_run: bool,
    },
    /// Nhập các cuộc kiểm tra, giám sát (mỗi dòng một đối tượng)
    Inspections {
        /// Tệp CSV hoặc XLSX
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        /// Chỉ kiểm tra, không ghi
        #[arg(long)]
        dry_run: bool,
    },
    /// Nhập một bộ tiêu chí (mỗi dòng một tiêu chí: mã, tên, nhóm, cách đánh giá, chỉ tiêu)
    Criteria(CriteriaImport),
}

/// `lamtheo import criteria`: a criteria set from a file, created or replaced (same code) all at once.
#[derive(Args, Debug)]
pub struct CriteriaImport {
    /// Tệp CSV hoặc XLSX
    #[arg(value_name = "TỆP")]
    pub file: PathBuf,
    /// Mã bộ tiêu chí (ví dụ NTM-2016)
    #[arg(long = "set", value_name = "MÃ")]
    pub set: String,
    /// Tên bộ tiêu chí
    #[arg(long, value_name = "TÊN")]
    pub title: String,
    /// Phiên bản (ví dụ 2016-2020)
    #[arg(long = "version", value_name = "PHIÊN_BẢN")]
    pub set_version: Option<String>,
    /// Áp dụng cho mọi đơn vị thuộc loại này (ví dụ grassroots_committee hoặc "Đảng bộ cơ sở")
    #[arg(long, value_name = "LOẠI", conflicts_with = "units")]
    pub unit_type: Option<String>,
    /// Áp dụng cho các đơn vị này (mã đơn vị, cách nhau bằng dấu phẩy)
    #[arg(long, value_name = "MÃ,MÃ", value_delimiter = ',')]
    pub units: Vec<String>,
    /// Đơn vị sở hữu bộ tiêu chí (mặc định: đơn vị gốc)
    #[arg(long, value_name = "MÃ")]
    pub owner: Option<String>,
    /// Chỉ kiểm tra, không ghi
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
    /// Nhập đảng viên từ tệp sinh ra (vào cơ sở dữ liệu trống)
    Import {
        /// Số dòng
        #[arg(long, default_value_t = 90_000)]
        rows: usize,
        /// csv hoặc xlsx
        #[arg(long, default_value = "csv")]
        format: String,
    },
    /// Độ trễ tìm kiếm và danh sách trên cơ sở dữ liệu có sẵn
    Queries {
        /// Số lần đo
        #[arg(long, default_value_t = 200)]
        samples: usize,
    },
    /// Tỷ lệ tham dự (toàn đơn vị gốc, một chi bộ) và điểm danh 500 người một lần, trên dữ liệu có sẵn
    Attendance {
        /// Số chi bộ lấy mẫu
        #[arg(long, default_value_t = 200)]
        samples: usize,
        /// Năm tính tỷ lệ
        #[arg(long, default_value_t = 2019)]
        year: i32,
    },
    /// Bản đăng ký: gom nhóm trùng lặp và báo cáo toàn đơn vị gốc, kiểm tra một bản mới, trên dữ liệu có sẵn
    Registrations {
        /// Số bản đăng ký lấy mẫu để kiểm tra trùng lặp
        #[arg(long, default_value_t = 200)]
        samples: usize,
        /// Năm
        #[arg(long, default_value_t = 2019)]
        year: i32,
    },
    /// Báo cáo sơ kết: 4 năm của Thành ủy Bến Tre và một năm của đơn vị gốc cấp tỉnh, trên dữ liệu có sẵn
    Report {
        /// Số lần đo mỗi báo cáo
        #[arg(long, default_value_t = 5)]
        samples: usize,
        /// Năm của báo cáo cấp tỉnh
        #[arg(long, default_value_t = 2019)]
        year: i32,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    /// Xuất danh sách đảng viên (cùng cột với tệp mẫu nhập)
    Members {
        /// Mã đơn vị (gồm cả đơn vị trực thuộc); mặc định đơn vị gốc
        #[arg(long, value_name = "MÃ")]
        unit: Option<String>,
        /// Định dạng: csv hoặc xlsx
        #[arg(long, default_value = "xlsx", value_name = "ĐỊNH_DẠNG")]
        format: String,
        /// Tệp kết quả
        #[arg(long, value_name = "TỆP")]
        output: PathBuf,
    },
}

const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// Vietnamese headings and help/version flags on every (sub)command.
pub fn localized(cmd: clap::Command) -> clap::Command {
    let cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(heading)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In hướng dẫn sử dụng")
                .help_heading("Tùy chọn")
                .global(true),
        );
    let cmd = if cmd.get_version().is_some() {
        cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("In phiên bản")
                .help_heading("Tùy chọn"),
        )
    } else {
        cmd
    };
    vietnamese_usage(cmd.mut_subcommands(localized_sub), "")
}

fn localized_sub(cmd: clap::Command) -> clap::Command {
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(heading)
        .mut_subcommands(localized_sub)
}

/// Vietnamese section heading, and the environment variable and default written into the help text in
/// Vietnamese (clap prints "[env: …]" and "[default: …]" in English).
fn heading(arg: Arg) -> Arg {
    let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    if let Some(env) = arg.get_env() {
        help.push_str(&format!(" [biến môi trường: {}]", env.to_string_lossy()));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().to_string())
        .collect();
    // Flags carry a "false" default from the derive; they show no default and must not hide one.
    let is_flag = defaults.iter().all(|v| v == "false" || v == "true");
    let arg = if defaults.is_empty() || is_flag {
        arg.help(help).hide_env(true)
    } else {
        help.push_str(&format!(" [mặc định: {}]", defaults.join(", ")));
        arg.help(help).hide_env(true).hide_default_value(true)
    };
    if arg.is_positional() {
        arg.help_heading("Tham số")
    } else {
        arg.help_heading("Tùy chọn")
    }
}

/// "Usage: serve [OPTIONS]" → "lamtheo serve [TÙY_CHỌN]", for the command and all its subcommands.
fn vietnamese_usage(mut cmd: clap::Command, parent: &str) -> clap::Command {
    let name = cmd.get_name().to_string();
    let full = if parent.is_empty() {
        name.clone()
    } else {
        format!("{parent} {name}")
    };
    let rendered = cmd.render_usage().to_string();
    let rest = rendered
        .trim_start_matches("Usage:")
        .trim()
        .trim_start_matches(name.as_str())
        .trim()
        .to_string();
    let usage = format!("{full} {rest}")
        .replace("[OPTIONS]", "[TÙY_CHỌN]")
        .replace("<COMMAND>", "<LỆNH>");
    let full_for_children = full.clone();
    cmd.override_usage(usage.trim().to_string())
        .mut_subcommands(move |sub| vietnamese_usage(sub, &full_for_children))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every (sub)command's help renders, in Vietnamese, without clap's English headings.
    #[test]
    fn help_is_vietnamese_everywhere() {
        let mut cmd = localized(Cli::command());
        cmd.build();
        fn walk(cmd: &mut clap::Command, seen: &mut usize) {
            let help = cmd.render_help().to_string();
            for english in [
                "Usage:",
                "Options:",
                "Commands:",
                "Arguments:",
                "[OPTIONS]",
                "[env:",
                "[default:",
                "Print help",
            ] {
                assert!(
                    !help.contains(english),
                    "{english} in help of {}:\n{help}",
                    cmd.get_name()
                );
            }
            assert!(help.contains("Cách dùng:"), "{help}");
            *seen += 1;
            for sub in cmd.get_subcommands_mut() {
                walk(sub, seen);
            }
        }
        let mut seen = 0;
        walk(&mut cmd, &mut seen);
        assert!(seen >= 12, "{seen} commands");
    }
}
