# Korean puts the period of the day before the time: "2026년 11월 28일 오후 3:05".
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
