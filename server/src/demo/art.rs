//! Generated artwork for the demo: small SVG product pictures and store avatars, drawn
//! from a motif and a hue so that every product looks different without shipping files.

use std::fmt::Write;

#[derive(Debug, Clone, Copy)]
pub enum Motif {
    Bottle,
    Date,
    Weave,
    Cup,
    Dress,
    Device,
    Leaf,
    Heart,
}

fn hsl(hue: u32, saturation: u32, lightness: u32) -> String {
    format!("hsl({} {}% {}%)", hue % 360, saturation, lightness)
}

fn shape(motif: Motif, ink: &str, accent: &str) -> String {
    match motif {
        Motif::Bottle => format!(
            "<rect x='170' y='90' width='60' height='50' rx='8' fill='{accent}'/>\
             <rect x='120' y='140' width='160' height='190' rx='36' fill='{ink}'/>\
             <rect x='150' y='200' width='100' height='60' rx='10' fill='{accent}' opacity='.7'/>"
        ),
        Motif::Date => format!(
            "<ellipse cx='160' cy='220' rx='55' ry='85' fill='{ink}' transform='rotate(-20 160 220)'/>\
             <ellipse cx='250' cy='230' rx='55' ry='85' fill='{ink}' transform='rotate(18 250 230)'/>\
             <path d='M200 70 q10 60 -40 80' stroke='{accent}' stroke-width='10' fill='none'/>"
        ),
        Motif::Weave => {
            let mut s = String::new();
            for i in 0..6u32 {
                let y = 80 + i * 42;
                let colour = if i % 2 == 0 { ink } else { accent };
                let _ = write!(
                    s,
                    "<path d='M60 {y} l35 21 l35 -21 l35 21 l35 -21 l35 21 l35 -21 l35 21 l35 -21 l35 21' \
                     stroke='{colour}' stroke-width='14' fill='none'/>"
                );
            }
            s
        }
        Motif::Cup => format!(
            "<path d='M110 170 h180 v70 a90 90 0 0 1 -180 0 z' fill='{ink}'/>\
             <path d='M290 190 a35 35 0 0 1 0 70' stroke='{ink}' stroke-width='16' fill='none'/>\
             <path d='M160 140 q15 -30 0 -60 M200 140 q15 -30 0 -60 M240 140 q15 -30 0 -60' \
              stroke='{accent}' stroke-width='8' fill='none' stroke-linecap='round'/>"
        ),
        Motif::Dress => format!(
            "<path d='M170 80 h60 l20 60 l60 220 h-220 l60 -220 z' fill='{ink}'/>\
             <path d='M150 200 h100' stroke='{accent}' stroke-width='10'/>"
        ),
        Motif::Device => format!(
            "<rect x='130' y='70' width='140' height='260' rx='22' fill='{ink}'/>\
             <rect x='145' y='95' width='110' height='190' rx='8' fill='{accent}'/>\
             <circle cx='200' cy='305' r='10' fill='{accent}'/>"
        ),
        Motif::Leaf => format!(
            "<path d='M200 330 C80 260 90 120 200 70 C310 120 320 260 200 330 z' fill='{ink}'/>\
             <path d='M200 320 V110' stroke='{accent}' stroke-width='8'/>"
        ),
        Motif::Heart => format!(
            "<path d='M200 320 C40 220 90 90 200 160 C310 90 360 220 200 320 z' fill='{ink}'/>\
             <circle cx='200' cy='200' r='26' fill='{accent}'/>"
        ),
    }
}

/// A 400×400 product picture; `variation` shifts the colours so siblings differ.
pub fn product_svg(motif: Motif, hue: u16, variation: u32) -> Vec<u8> {
    let hue = u32::from(hue) + variation * 37;
    let background = hsl(hue, 45, 92);
    let glow = hsl(hue + 20, 55, 80);
    let ink = hsl(hue, 50, 35);
    let accent = hsl(hue + 180, 55, 60);
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 400' width='400' height='400'>\
         <defs><radialGradient id='g' cx='50%' cy='40%' r='70%'>\
         <stop offset='0' stop-color='{glow}'/><stop offset='1' stop-color='{background}'/>\
         </radialGradient></defs>\
         <rect width='400' height='400' fill='url(#g)'/>{}</svg>",
        shape(motif, &ink, &accent)
    )
    .into_bytes()
}

/// A round store avatar with the store's motif.
pub fn avatar_svg(motif: Motif, hue: u16) -> Vec<u8> {
    let hue = u32::from(hue);
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 400' width='96' height='96'>\
         <circle cx='200' cy='200' r='200' fill='{}'/>{}</svg>",
        hsl(hue, 45, 30),
        shape(motif, &hsl(hue, 40, 92), &hsl(hue + 180, 60, 65))
    )
    .into_bytes()
}
