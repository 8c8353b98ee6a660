//! Unit conversion: `convert_angle`, `convert_energy`, `convert_force`, `convert_length`,
//! `convert_mass`, `convert_speed`, `convert_temperature`, `convert_volume`. Each takes a number
//! and two unit names (the names Kusto documents, which are those of the .NET UnitsNet library
//! it uses) and gives a real; an unknown unit or a null argument gives null. Every unit but the
//! temperatures and the tilt angle is a factor to its quantity's base unit; those are affine or
//! trigonometric and have their own formulas.

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::Datum;

/// The quantity a `convert_*` function converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    Angle,
    Energy,
    Force,
    Length,
    Mass,
    Speed,
    Temperature,
    Volume,
}

const FOOT: f64 = 0.3048;
const INCH: f64 = 0.0254;
const YARD: f64 = 0.9144;
const US_SURVEY_FOOT: f64 = 1200.0 / 3937.0;
const POUND: f64 = 0.453_592_37;
const POUND_FORCE: f64 = 4.448_221_615_260_5;
const GALLON_US: f64 = 0.003_785_411_784;
const GALLON_IMPERIAL: f64 = 0.004_546_09;
const CUBIC_FOOT: f64 = 0.028_316_846_592;
const BTU: f64 = 1_055.055_852_62;
const THERM_EC: f64 = 1.055_055_852_62e8;

/// Angles in degrees (the base), besides `Tilt`.
const ANGLE: &[(&str, f64)] = &[
    ("Degree", 1.0),
    ("Millidegree", 1e-3),
    ("Microdegree", 1e-6),
    ("Nanodegree", 1e-9),
    ("Radian", 180.0 / std::f64::consts::PI),
    ("Deciradian", 18.0 / std::f64::consts::PI),
    ("Centiradian", 1.8 / std::f64::consts::PI),
    ("Milliradian", 0.18 / std::f64::consts::PI),
    ("Microradian", 1.8e-4 / std::f64::consts::PI),
    ("Nanoradian", 1.8e-7 / std::f64::consts::PI),
    ("Arcminute", 1.0 / 60.0),
    ("Arcsecond", 1.0 / 3600.0),
    ("Gradian", 0.9),
    ("NatoMil", 9.0 / 160.0),
    ("Revolution", 360.0),
];

/// Energies in joules.
const ENERGY: &[(&str, f64)] = &[
    ("Joule", 1.0),
    ("Millijoule", 1e-3),
    ("Kilojoule", 1e3),
    ("Megajoule", 1e6),
    ("Gigajoule", 1e9),
    ("BritishThermalUnit", BTU),
    ("KilobritishThermalUnit", BTU * 1e3),
    ("MegabritishThermalUnit", BTU * 1e6),
    ("GigabritishThermalUnit", BTU * 1e9),
    ("Calorie", 4.184),
    ("Kilocalorie", 4184.0),
    ("Megacalorie", 4.184e6),
    ("ElectronVolt", 1.602_176_565e-19),
    ("KiloelectronVolt", 1.602_176_565e-16),
    ("MegaelectronVolt", 1.602_176_565e-13),
    ("GigaelectronVolt", 1.602_176_565e-10),
    ("TeraelectronVolt", 1.602_176_565e-7),
    ("Erg", 1e-7),
    ("FootPound", 1.355_817_948),
    ("HorsepowerHour", 2.684_519_537_696_173e6),
    ("WattHour", 3600.0),
    ("KilowattHour", 3.6e6),
    ("MegawattHour", 3.6e9),
    ("GigawattHour", 3.6e12),
    ("TerawattHour", 3.6e15),
    ("WattDay", 86400.0),
    ("KilowattDay", 8.64e7),
    ("MegawattDay", 8.64e10),
    ("GigawattDay", 8.64e13),
    ("TerawattDay", 8.64e16),
    ("ThermEc", THERM_EC),
    ("DecathermEc", THERM_EC * 10.0),
    ("ThermImperial", 1.055_055_852_573_48e8),
    ("DecathermImperial", 1.055_055_852_573_48e9),
    ("ThermUs", 1.054_804e8),
    ("DecathermUs", 1.054_804e9),
];

/// Forces in newtons.
const FORCE: &[(&str, f64)] = &[
    ("Newton", 1.0),
    ("Micronewton", 1e-6),
    ("Millinewton", 1e-3),
    ("Decanewton", 10.0),
    ("Kilonewton", 1e3),
    ("Meganewton", 1e6),
    ("Dyn", 1e-5),
    ("KilogramForce", 9.806_65),
    ("KiloPond", 9.806_65),
    ("TonneForce", 9806.65),
    ("PoundForce", POUND_FORCE),
    ("KilopoundForce", POUND_FORCE * 1e3),
    ("OunceForce", POUND_FORCE / 16.0),
    ("ShortTonForce", POUND_FORCE * 2000.0),
    ("Poundal", 0.138_254_954_376),
];

/// Lengths in meters.
const LENGTH: &[(&str, f64)] = &[
    ("Meter", 1.0),
    ("Nanometer", 1e-9),
    ("Micrometer", 1e-6),
    ("Millimeter", 1e-3),
    ("Centimeter", 1e-2),
    ("Decimeter", 0.1),
    ("Decameter", 10.0),
    ("Hectometer", 100.0),
    ("Kilometer", 1e3),
    ("Angstrom", 1e-10),
    ("AstronomicalUnit", 1.495_978_707e11),
    ("Chain", 20.1168),
    ("DataMile", 1828.8),
    ("DtpPica", 1.0 / 236.220_472_441),
    ("DtpPoint", INCH / 72.0),
    ("Fathom", 1.8288),
    ("Foot", FOOT),
    ("Hand", 0.1016),
    ("Inch", INCH),
    ("LightYear", 9.460_730_472_580_8e15),
    ("KilolightYear", 9.460_730_472_580_8e18),
    ("MegalightYear", 9.460_730_472_580_8e21),
    ("Parsec", 3.085_677_581_28e16),
    ("Kiloparsec", 3.085_677_581_28e19),
    ("Megaparsec", 3.085_677_581_28e22),
    ("Microinch", INCH * 1e-6),
    ("Mil", INCH * 1e-3),
    ("Mile", 1609.344),
    ("NauticalMile", 1852.0),
    ("PrinterPica", 1.0 / 237.106_301_584),
    ("PrinterPoint", INCH / 72.27),
    ("Shackle", 27.432),
    ("SolarRadius", 6.955_1e8),
    ("Twip", 1.0 / 56_692.913_385_826),
    ("UsSurveyFoot", US_SURVEY_FOOT),
    ("Yard", YARD),
];

/// Masses in kilograms.
const MASS: &[(&str, f64)] = &[
    ("Kilogram", 1.0),
    ("Nanogram", 1e-12),
    ("Microgram", 1e-9),
    ("Milligram", 1e-6),
    ("Centigram", 1e-5),
    ("Decigram", 1e-4),
    ("Gram", 1e-3),
    ("Decagram", 1e-2),
    ("Hectogram", 0.1),
    ("Tonne", 1e3),
    ("Kilotonne", 1e6),
    ("Megatonne", 1e9),
    ("Pound", POUND),
    ("Kilopound", POUND * 1e3),
    ("Megapound", POUND * 1e6),
    ("Ounce", POUND / 16.0),
    ("Grain", 6.479_891e-5),
    ("Stone", POUND * 14.0),
    ("ShortHundredweight", POUND * 100.0),
    ("LongHundredweight", POUND * 112.0),
    ("ShortTon", POUND * 2000.0),
    ("LongTon", POUND * 2240.0),
    ("Slug", 14.593_902_937_206_4),
    ("EarthMass", 5.9722e24),
    ("SolarMass", 1.989_47e30),
];

/// Speeds in meters per second.
const SPEED: &[(&str, f64)] = &[
    ("MeterPerSecond", 1.0),
    ("MeterPerMinute", 1.0 / 60.0),
    ("MeterPerHour", 1.0 / 3600.0),
    ("NanometerPerSecond", 1e-9),
    ("NanometerPerMinute", 1e-9 / 60.0),
    ("MicrometerPerSecond", 1e-6),
    ("MicrometerPerMinute", 1e-6 / 60.0),
    ("MillimeterPerSecond", 1e-3),
    ("MillimeterPerMinute", 1e-3 / 60.0),
    ("MillimeterPerHour", 1e-3 / 3600.0),
    ("CentimeterPerSecond", 1e-2),
    ("CentimeterPerMinute", 1e-2 / 60.0),
    ("CentimeterPerHour", 1e-2 / 3600.0),
    ("DecimeterPerSecond", 0.1),
    ("DecimeterPerMinute", 0.1 / 60.0),
    ("KilometerPerSecond", 1e3),
    ("KilometerPerMinute", 1e3 / 60.0),
    ("KilometerPerHour", 1e3 / 3600.0),
    ("FootPerSecond", FOOT),
    ("FootPerMinute", FOOT / 60.0),
    ("FootPerHour", FOOT / 3600.0),
    ("InchPerSecond", INCH),
    ("InchPerMinute", INCH / 60.0),
    ("InchPerHour", INCH / 3600.0),
    ("YardPerSecond", YARD),
    ("YardPerMinute", YARD / 60.0),
    ("YardPerHour", YARD / 3600.0),
    ("UsSurveyFootPerSecond", US_SURVEY_FOOT),
    ("UsSurveyFootPerMinute", US_SURVEY_FOOT / 60.0),
    ("UsSurveyFootPerHour", US_SURVEY_FOOT / 3600.0),
    ("MilePerHour", 1609.344 / 3600.0),
    ("Knot", 1852.0 / 3600.0),
];

/// Volumes in cubic meters.
const VOLUME: &[(&str, f64)] = &[
    ("CubicMeter", 1.0),
    ("CubicMicrometer", 1e-18),
    ("CubicMillimeter", 1e-9),
    ("CubicCentimeter", 1e-6),
    ("CubicDecimeter", 1e-3),
    ("HectocubicMeter", 100.0),
    ("KilocubicMeter", 1e3),
    ("CubicHectometer", 1e6),
    ("CubicKilometer", 1e9),
    ("Microliter", 1e-9),
    ("Milliliter", 1e-6),
    ("Centiliter", 1e-5),
    ("Deciliter", 1e-4),
    ("Liter", 1e-3),
    ("Decaliter", 1e-2),
    ("Hectoliter", 0.1),
    ("Kiloliter", 1.0),
    ("Megaliter", 1e3),
    ("CubicInch", 1.638_706_4e-5),
    ("CubicFoot", CUBIC_FOOT),
    ("HectocubicFoot", CUBIC_FOOT * 100.0),
    ("KilocubicFoot", CUBIC_FOOT * 1e3),
    ("MegacubicFoot", CUBIC_FOOT * 1e6),
    ("CubicYard", 0.764_554_857_984),
    ("CubicMile", 4.168_181_825_440_58e9),
    // UnitsNet defines the acre-foot by its inverse (0.000810714 acre-feet to a cubic meter).
    ("AcreFoot", 1.0 / 0.000_810_714),
    ("BoardFoot", 2.359_737_216e-3),
    ("UsGallon", GALLON_US),
    ("DeciusGallon", GALLON_US * 0.1),
    ("DecausGallon", GALLON_US * 10.0),
    ("HectousGallon", GALLON_US * 100.0),
    ("KilousGallon", GALLON_US * 1e3),
    ("MegausGallon", GALLON_US * 1e6),
    ("ImperialGallon", GALLON_IMPERIAL),
    ("KiloimperialGallon", GALLON_IMPERIAL * 1e3),
    ("MegaimperialGallon", GALLON_IMPERIAL * 1e6),
    ("ImperialOunce", GALLON_IMPERIAL / 160.0),
    ("ImperialPint", GALLON_IMPERIAL / 8.0),
    ("ImperialBeerBarrel", 0.163_659_24),
    ("UsBeerBarrel", 0.117_347_765_3),
    ("OilBarrel", 0.158_987_294_928),
    ("UsOunce", GALLON_US / 128.0),
    ("UsPint", GALLON_US / 8.0),
    ("UsQuart", GALLON_US / 4.0),
    ("UsCustomaryCup", GALLON_US / 16.0),
    ("UsLegalCup", 2.4e-4),
    ("UsTablespoon", GALLON_US / 256.0),
    ("UsTeaspoon", GALLON_US / 768.0),
    ("MetricCup", 2.5e-4),
    ("MetricTeaspoon", 5e-6),
    ("AuTablespoon", 2e-5),
    ("UkTablespoon", 1.5e-5),
];

/// The temperature units, each as (to kelvin, from kelvin).
type Affine = (fn(f64) -> f64, fn(f64) -> f64);
const TEMPERATURE: &[(&str, Affine)] = &[
    ("Kelvin", (|x| x, |k| k)),
    ("DegreeCelsius", (|x| x + 273.15, |k| k - 273.15)),
    (
        "MillidegreeCelsius",
        (|x| x / 1000.0 + 273.15, |k| (k - 273.15) * 1000.0),
    ),
    (
        "DegreeFahrenheit",
        (|x| (x + 459.67) * 5.0 / 9.0, |k| k * 9.0 / 5.0 - 459.67),
    ),
    ("DegreeRankine", (|x| x * 5.0 / 9.0, |k| k * 9.0 / 5.0)),
    (
        "DegreeDelisle",
        (|x| 373.15 - x * 2.0 / 3.0, |k| (373.15 - k) * 1.5),
    ),
    (
        "DegreeNewton",
        (
            |x| x * 100.0 / 33.0 + 273.15,
            |k| (k - 273.15) * 33.0 / 100.0,
        ),
    ),
    (
        "DegreeReaumur",
        (|x| x * 5.0 / 4.0 + 273.15, |k| (k - 273.15) * 4.0 / 5.0),
    ),
    (
        "DegreeRoemer",
        (
            |x| (x - 7.5) * 40.0 / 21.0 + 273.15,
            |k| (k - 273.15) * 21.0 / 40.0 + 7.5,
        ),
    ),
    ("SolarTemperature", (|x| x * 5778.0, |k| k / 5778.0)),
];

/// A unit of a quantity: to its base and back.
#[derive(Clone, Copy)]
enum Unit {
    Factor(f64),
    Affine(Affine),
}

impl Unit {
    fn to_base(self, x: f64) -> f64 {
        match self {
            Unit::Factor(f) => x * f,
            Unit::Affine((to, _)) => to(x),
        }
    }

    fn base_to_unit(self, x: f64) -> f64 {
        match self {
            Unit::Factor(f) => x / f,
            Unit::Affine((_, from)) => from(x),
        }
    }
}

/// The tilt: the sine of the angle (degrees to tilt and back).
const TILT: Affine = (
    |x| x.asin().to_degrees(),
    |degrees| degrees.to_radians().sin(),
);

/// The unit `name` of quantity `q` (the documented names, matched exactly).
fn unit(q: Quantity, name: &str) -> Option<Unit> {
    let find = |table: &[(&str, f64)]| {
        table
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| Unit::Factor(*f))
    };
    match q {
        Quantity::Angle if name == "Tilt" => Some(Unit::Affine(TILT)),
        Quantity::Angle => find(ANGLE),
        Quantity::Energy => find(ENERGY),
        Quantity::Force => find(FORCE),
        Quantity::Length => find(LENGTH),
        Quantity::Mass => find(MASS),
        Quantity::Speed => find(SPEED),
        Quantity::Volume => find(VOLUME),
        Quantity::Temperature => TEMPERATURE
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| Unit::Affine(*f)),
    }
}

/// `value` in unit `from` expressed in unit `to`; `None` for an unknown unit.
pub fn convert(q: Quantity, value: f64, from: &str, to: &str) -> Option<f64> {
    let (from, to) = (unit(q, from)?, unit(q, to)?);
    Some(to.base_to_unit(from.to_base(value)))
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Units(q) = func else {
        unreachable!("a units row holds a Units tag")
    };
    let (values, from, to) = (args[0].reals(), args[1].strs(), args[2].strs());
    Ok(Column::Real(
        (0..len)
            .map(|i| convert(q, (*values.get(i))?, from.get(i), to.get(i)))
            .collect(),
    ))
}

const fn row(q: Quantity, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Units(q),
        names,
        arity: (3, 3),
        result: Fixed(T::Real),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(Quantity::Angle, &["convert_angle"]),
    row(Quantity::Energy, &["convert_energy"]),
    row(Quantity::Force, &["convert_force"]),
    row(Quantity::Length, &["convert_length"]),
    row(Quantity::Mass, &["convert_mass"]),
    row(Quantity::Speed, &["convert_speed"]),
    row(Quantity::Temperature, &["convert_temperature"]),
    row(Quantity::Volume, &["convert_volume"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: Option<f64>, want: f64) {
        let got = got.expect("a value");
        assert!((got - want).abs() <= want.abs() * 1e-12, "{got} vs {want}");
    }

    #[test]
    fn the_docs_examples() {
        // Each convert_* page's printed example.
        close(convert(Quantity::Angle, 1.2, "Degree", "Arcminute"), 72.0);
        close(
            convert(Quantity::Energy, 1.2, "Joule", "BritishThermalUnit"),
            0.001_137_380_544_375_98,
        );
        close(convert(Quantity::Force, 1.2, "Newton", "Decanewton"), 0.12);
        close(
            convert(Quantity::Length, 1.2, "Meter", "Foot"),
            3.937_007_874_015_75,
        );
        close(
            convert(Quantity::Mass, 1.2, "Kilogram", "Pound"),
            2.645_547_146_218_53,
        );
        close(
            convert(Quantity::Speed, 1.2, "MeterPerSecond", "CentimeterPerHour"),
            432_000.0,
        );
        close(
            convert(Quantity::Temperature, 1.2, "Kelvin", "DegreeCelsius"),
            -271.95,
        );
        close(
            convert(Quantity::Volume, 1.2, "CubicMeter", "AcreFoot"),
            0.000_972_856_8,
        );
    }

    #[test]
    fn affine_and_round_trips() {
        close(
            convert(
                Quantity::Temperature,
                100.0,
                "DegreeCelsius",
                "DegreeFahrenheit",
            ),
            212.0,
        );
        close(
            convert(Quantity::Temperature, 0.0, "DegreeCelsius", "DegreeDelisle"),
            150.0,
        );
        close(convert(Quantity::Angle, 30.0, "Degree", "Tilt"), 0.5);
        close(convert(Quantity::Angle, 0.5, "Tilt", "Degree"), 30.0);
        close(convert(Quantity::Volume, 1.0, "UsGallon", "UsPint"), 8.0);
        close(convert(Quantity::Length, 1.0, "Mile", "Foot"), 5280.0);
        // Every unit converts to itself unchanged.
        for (q, table) in [
            (Quantity::Angle, ANGLE),
            (Quantity::Energy, ENERGY),
            (Quantity::Force, FORCE),
            (Quantity::Length, LENGTH),
            (Quantity::Mass, MASS),
            (Quantity::Speed, SPEED),
            (Quantity::Volume, VOLUME),
        ] {
            for (name, _) in table {
                close(convert(q, 3.5, name, name), 3.5);
            }
        }
    }

    #[test]
    fn every_documented_volume_unit_is_known() {
        // The list of https://learn.microsoft.com/en-us/kusto/query/convert-volume-function
        let documented = "AcreFoot AuTablespoon BoardFoot Centiliter CubicCentimeter CubicDecimeter CubicFoot CubicHectometer CubicInch CubicKilometer CubicMeter CubicMicrometer CubicMile CubicMillimeter CubicYard Decaliter DecausGallon Deciliter DeciusGallon HectocubicFoot HectocubicMeter Hectoliter HectousGallon ImperialBeerBarrel ImperialGallon ImperialOunce ImperialPint KilocubicFoot KilocubicMeter KiloimperialGallon Kiloliter KilousGallon Liter MegacubicFoot MegaimperialGallon Megaliter MegausGallon MetricCup MetricTeaspoon Microliter Milliliter OilBarrel UkTablespoon UsBeerBarrel UsCustomaryCup UsGallon UsLegalCup UsOunce UsPint UsQuart UsTablespoon UsTeaspoon";
        for name in documented.split_whitespace() {
            assert!(unit(Quantity::Volume, name).is_some(), "{name}");
        }
        assert_eq!(VOLUME.len(), 52);
    }

    #[test]
    fn unknown_units_give_null() {
        assert_eq!(convert(Quantity::Length, 1.0, "Meter", "Furlong"), None);
        assert_eq!(convert(Quantity::Length, 1.0, "meter", "Foot"), None);
        assert_eq!(convert(Quantity::Mass, 1.0, "Meter", "Gram"), None);
    }
}
