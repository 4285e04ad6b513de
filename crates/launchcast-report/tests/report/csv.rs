//! The CSV tables.

use std::fs;

use launchcast_report::{summarize, write_csv};

use crate::fixtures::*;

#[test]
fn csv_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("new/sub");
    let s = summarize(&model(), &infos(), &outcomes());
    let paths = write_csv(&s, &out).expect("csv");
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, launchcast_report::CSV_FILES);
    let read = |name: &str| fs::read_to_string(out.join(name)).expect("read");
    assert_eq!(
        read("promises.csv"),
        "scenario,promise,name,probability\n\
         base,first_by_2022,First deliveries by end of 2022,0.8\n\
         base,volume_2023,\"10,000 cars in 2023\",0.2\n\
         go_alone,first_by_2022,First deliveries by end of 2022,0\n\
         go_alone,volume_2023,\"10,000 cars in 2023\",0\n"
    );
    assert_eq!(
        read("first_delivery.csv"),
        "scenario,probability,mean_days,p10_days,p50_days,p80_days,p90_days,p10,p50,p80,p90\n\
         base,0.8,25,10,20,40,40,2022-07-11,2022-07-21,2022-08-10,2022-08-10\n\
         go_alone,0,,,,,,,,,\n"
    );
    assert_eq!(
        read("deliveries_by_year.csv"),
        "scenario,year,mean,p10,p50,p90\n\
         base,2022,350.1,0,0,1500\n\
         base,2023,11200,0,12000,20000\n\
         go_alone,2022,0,0,0,0\n\
         go_alone,2023,0,0,0,0\n"
    );
    assert_eq!(
        read("spend_by_year.csv"),
        "scenario,year,mean,p10,p50,p90\n\
         base,2022,3000000000,1000000000,3000000000,5000000000\n\
         base,2023,2500000000,2500000000,2500000000,2500000000\n\
         go_alone,2022,0,0,0,0\n\
         go_alone,2023,300000000,100000000,300000000,500000000\n"
    );
    let tasks = read("tasks.csv");
    let lines: Vec<&str> = tasks.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "scenario,task,name,probability,mean_days,p10_days,p50_days,p80_days,p90_days,criticality",
            "base,licence,\"Obtain licence, with \"\"luck\"\"\",1,100,100,100,100,100,1",
        ]
    );
    assert_eq!(lines[3], "base,baic_talks,Talks with BAIC,0,,,,,,0");
    assert_eq!(lines.len(), 7);
    assert_eq!(
        read("run.csv"),
        format!(
            "launchcast,model,iterations,seed,start,horizon,currency\n\
             {},\"Test \"\"EV\"\" program, 2022\",5,7,2022-07-01,2023-12-31,CNY\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(
        read("scenarios.csv"),
        "scenario,name\nbase,Model as written\ngo_alone,Go alone\n"
    );
    // Base delivers in 4 of 5 iterations, go_alone never: base is earlier in those 4, the
    // fifth is a tie (neither); no iteration has both.
    assert_eq!(
        read("comparisons.csv"),
        "a,b,p_a_earlier,median_diff_days,p10_diff_days,p90_diff_days,both_happen,p_tie\n\
         base,go_alone,0.8,,,,0,0.2\n"
    );
    assert_eq!(
        read("best_by_promise.csv"),
        "promise,name,scenario,probability\n\
         first_by_2022,First deliveries by end of 2022,base,0.8\n\
         volume_2023,\"10,000 cars in 2023\",base,0.2\n"
    );
    // No rows kept by the engine, no drivers computed, no correlations: headers only.
    assert_eq!(
        read("drivers.csv"),
        "scenario,kind,id,name,p50_days,p80_days,change_first_by_2022,change_volume_2023\n"
    );
    assert_eq!(read("correlations.csv"), "scenario,a,b,target,achieved\n");
    // Nothing but the tables was left in the directory.
    assert_eq!(
        fs::read_dir(&out).expect("dir").count(),
        launchcast_report::CSV_FILES.len()
    );
}
