# common.frag - fragments, synonyms and name rules shared by every .intent file.
#
# Patterns run on the message's matching key: lower case, Urdu letters
# unified (ھ and ہ are one letter, ئ is ی), Urdu digits as 0-9, emoji and the
# punctuation ? ! , ; : ( ) " and a lone dot or dash turned into spaces, one
# space between words. So write patterns in lower case, with one space where
# people put one or more spaces or punctuation. Read intents/README.md first.
#
# {name} = pattern   defines a fragment; a pattern uses it as {name}.
# A fragment named after a slot ({date}, {lead}, {amount} ...) fills that
# slot when a pattern uses it; {date:date_to} fills another slot with it.

# ---------------------------------------------------------------- padding
{pls} = please|pleas|plese|pls|plz|plzz|plx|kindly|zara|zra|jaldi|jldi|bhai|bhaiya|bhai jan|bhai jaan|bhaijan|yaar|yar|sir|sir ji|ji|jee|boss|madam|dear|بھائی|جی|سر|پلیز|ذرا|براہ کرم|مہربانی|یار|جلدی|سر جی
{thanks} = thanks|thank you|thankyou|thanku|thnx|thx|shukriya|shukria|shukriyah|meherbani|jazakallah|jazak allah|jzk|شکریہ|جزاک اللہ
{greet} = hi|hello|helo|hey|salam|slam|aoa|assalam o alaikum|assalamualaikum|asalam o alaikum|salaam|السلام علیکم|سلام|ok|okay|oky|acha|achha|accha|sun|suno|sunen|suniye|dekho|haan|han|yes|ہاں|اچھا|سنیں|سنو|dear|team
# what may come before a command, what may follow it
{start} = ^(?:(?:{greet}|{pls}|{thanks}|can you|could you|can u|pls can you|will you)(?: |$))*
{end} = (?: (?:{pls}|{thanks}|ok|na|naa|yaar|abhi|jaldi|asap|urgent|now|bhi|zara|😊|🙏))* ?$

# ---------------------------------------------------------------- small words
{is} = hai|he|hay|h|hy|hain|hen|hn|ha|hei|ہے|ہیں|ہے کیا
{kya} = kya|kia|kiya|kiaa|kyaa|kyun|کیا
{ka} = ka|ki|ke|kay|kaa|k|کا|کی|کے
{ko} = ko|kou|کو
{se} = se|sy|سے
{pe} = pe|par|pr|per|main|mein|me|mai|men|پر|میں|پہ
{wali} = wali|wala|wale|waly|vali|wli|والی|والا|والے
{leadword} = lead|leed|lid|leads|party|client|customer|banda|inquiry|enquiry|لیڈ|پارٹی|کلائنٹ
{tell} = batao|btao|bata do|batado|bta do|btado|bata dein|bata den|bata dain|bta dein|batayen|bataen|bataein|batain|bta|bata|bata dena|batana|dikhao|dikhaao|dikha do|dikhado|dikha dein|dikhayen|dikhaein|dikhain|dikhaen|dekhao|dikhana|check karo|check kro|check kar do|check krdo|check|send|bhejo|tell me|tell|show me|show|give me|بتائیں|بتاؤ|بتا دیں|بتا دو|دکھائیں|دکھاؤ|دکھا دیں|دکھا دو|چیک کریں|چیک کرو|بھیجو|بھیجیں
{show} = show me|show|list|list of|display|get|give me|see|view|dikhao|dikhaao|dikha do|dikhado|dikha dein|dikha den|dikhayen|dikhaein|dikhain|dikhaen|dekhao|dikhana|dikha|batao|btao|bata do|bta do|batayen|bataen|bata dein|bhejo|بتائیں|بتاؤ|بتا دیں|دکھائیں|دکھاؤ|دکھا دیں|دکھا دو|دکھاو|بھیجیں|بھیجو
# "do it": karo, kar do, kr do ... (Urdu spaces are optional after some letters)
{doit} = kar do|kr do|krdo|kardo|kar dein|kar den|kar dain|kardein|kardain|kr dein|kr den|kr dain|kar dijiye|kar dijie|kr dijiye|kijiye|kijie|karo|kro|kar lo|kr lo|karna|krna|kar dena|kr dena|karna hai|karen|karein|کر ?دو|کر ?دیں|کر ?دیجیے|کریں|کرو|کر ?لیں|کر ?لو|کرنا
{give} = de do|dedo|de dein|dedein|de den|de dain|de dijiye|dena|de dena|de|دے ?دو|دے ?دیں|دے ?دیجیے|دینا

# ---------------------------------------------------------------- dates
{month} = january|janury|jan|janwari|janwary|janvari|february|febuary|feburary|feb|farwari|farvari|march|mar|maarch|april|aprail|aprel|apreil|apr|may|mai|mayi|june|jun|joon|july|jul|julai|jolai|julaai|august|aug|agast|agust|september|sept|sep|sitambar|october|oct|aktubar|november|nov|navambar|nomber|december|dec|disambar|dasambar|جنوری|فروری|مارچ|اپریل|مئی|مئ|جون|جولائی|جولائ|اگست|ستمبر|اکتوبر|نومبر|دسمبر
{weekday} = monday|mon|peer|pir|somwar|somvar|tuesday|tue|tues|mangal|mangalwar|wednesday|wed|budh|budhwar|thursday|thu|thur|thurs|jumeraat|jumerat|jumaraat|jumairat|jumerat|friday|fri|juma|jumma|jumah|jummah|jumay|jume|jummay|saturday|sanichar|sunday|itwar|itwaar|atwar|پیر|سوموار|منگل|بدھ|جمعرات|جمعہ|اتوار
{relday} = day after tomorrow|aaj|aj|aajj|today|tonight|kal|kl|kall|tomorrow|tmrw|tmr|tomorow|tommorow|parson|parso|parsoon|parsun|yesterday|آج|کل|پرسوں
{ordinal} = \d{1,2}(?:st|nd|rd|th)?
{dm} = (?:the )?{ordinal}(?: of)? {month}(?: \d{4})?|{month} (?:the )?{ordinal}(?: \d{4})?|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|{ordinal} (?:tareekh|tarikh|تاریخ)
{thisnext} = is|iss|ye|yeh|this|agle|agla|aglay|agly|agli|next|coming|pichle|pichla|pichhle|pichlay|last|اس|اگلے|اگلا|پچھلے|یہ
{weekword} = hafte|hafta|haftay|hafty|week|ہفتے|ہفتہ
{monthword} = mahine|mahina|mahinay|mahiny|maheena|month|مہینے|مہینہ
# a day or a range of days
{date} = (?<![\w/.-])(?:{dm}|{relday}|(?:(?:agle|agli|next|coming|is|this) )?{weekday}|(?:hafte|hafta|ہفتے|ہفتہ)(?= (?:ko|کو|wale din|ki|کی|ke|کے))|saturday|{thisnext} {weekword}|{thisnext} {monthword})(?![\w/])

# ---------------------------------------------------------------- times
{daypart} = subah|subha|sobah|savere|morning|dopahar|dopehar|dupehar|dopher|afternoon|sehpehar|sham|shaam|evening|raat|rat|night|tonight|صبح|دوپہر|سہ پہر|شام|رات
{fraction} = sawa|saadhe|sadhe|sarhe|sarhay|saade|paune|pone|سوا|ساڑھے|پونے
{baje} = baje|bje|bajay|bajey|bjay|bajy|bajay|o'clock|oclock|بجے
{hour} = (?:{fraction} )?\d{1,2}(?::\d{2})?(?: ?(?:am|pm|a m|p m))?|dedh|dhai|arhai|ڈیڑھ|ڈھائی
{time} = (?:(?:{daypart}|in the {daypart}) (?:ko |کو |at )?)?(?:at )?{hour}(?: {baje})?(?: (?:ko|کو))?(?: (?:in the )?{daypart})?
# a day with a time ("kal 4 baje", "friday 11am", "15 march sham 6 baje")
{when} = (?:{date} (?:ko |کو |at |on )?{time}|{time} (?:on )?{date}|{date} (?:ko |کو )?{daypart}(?: (?:at )?\d{1,2}(?::\d{2})?)?)(?![\w:])

# ---------------------------------------------------------------- numbers
{mult} = lakh|lakhs|lac|lacs|laakh|lk|l|k|hazar|hazaar|hzar|hajar|thousand|crore|crores|cr|karor|karod|لاکھ|ہزار|کروڑ
{numword} = dedh|dhai|arhai|sawa|saadhe|sadhe|sarhe|paune|ek|aik|do|teen|char|chaar|panch|paanch|chay|chhe|saat|aath|nau|das|pachas|ڈیڑھ|ڈھائی|سوا|ساڑھے|پونے|ایک|دو|تین|چار|پانچ|چھ|سات|آٹھ|نو|دس|بیس|پچیس|تیس|چالیس|پچاس|ساٹھ|ستر|اسی|نوے
{currency} = rs|rs\.|pkr|rupees|rupay|rupaye|rupee|روپے
{amtnum} = \d{1,3}(?:,\d{2,3})+|\d+(?:\.\d+)?
# money: with a multiplier, a currency mark, commas, or 5+ digits
{amount} = (?<![\w,.])(?:(?:{currency}) ?)?(?:(?:{numword} )?(?:{amtnum}|{numword}) ?(?:{mult})(?: (?:{amtnum}|{numword}) ?(?:{mult}))?|(?<=rs |rs|pkr |pkr)\d+|\d{1,3}(?:,\d{2,3})+|\d{5,9})(?: ?(?:{currency}))?(?:/-)?(?![\w,])
{guests} = (?<![\w,.])\d{2,5} ?(?:guests?|log|loag|logon|logo|logon ke|bande|banday|mehman|mehmaan|mehmano|mehmanon|mehmaano|afraad|afrad|pax|people|persons?|heads?|مہمان|مہمانوں|لوگ|لوگوں|افراد)(?!\w)
{phone} = (?<![\d+])(?:\+|00)?\d(?:[ -]?\d){9,13}(?!\d)

# ---------------------------------------------------------------- names
{honorific} = bhai|bhaiya|sahab|sahib|saab|sb|ji|jee|sir|madam|sahiba|صاحب|بھائی|جی|صاحبہ
# words that are never (part of) a name
{stopword} = ka|ki|ke|k|ko|ne|se|me|mein|mai|main|par|pe|per|pr|aur|or|ya|hai|he|hain|h|hy|hay|ha|tha|thi|the|kya|kia|kiya|kab|kaun|kon|kis|kahan|kaise|status|staus|stetus|halat|lead|leads|leed|lid|party|client|customer|note|notes|history|hstory|record|timeline|reply|jawab|msg|message|follow|followup|followups|folowup|fallow|flwup|reminder|remind|yaad|call|move|mark|set|update|assign|reassign|transfer|de|do|dedo|dein|dena|diya|kar|karo|kro|kr|krdo|kardo|book|booked|booking|quoted|quote|quotation|lost|cancel|visit|site|new|naya|nayi|nai|contacted|qualified|negotiating|negotiation|done|confirm|pakki|pakka|a|an|of|to|for|on|at|in|is|this|that|it|its|my|mera|mere|meri|all|sab|saari|show|dikhao|batao|bata|btao|list|payment|payments|advance|final|mid|received|paid|mil|gaya|gayi|gya|ho|hua|bana|scene|abhi|rate|ab|wo|woh|us|usko|unko|iska|iski|iske|isko|ye|yeh|with|about|abt|from|by|stage|what|whats|where|which|who|how|any|check|can|you|me|i|we|our|please|pls|plz|ok|okay|tak|wali|wala|wale|liye|liay|bhej|bhejo|send|likho|likh|daal|daalo|walk-in|walk|add|create|tell|give|aaj|kal|parson|today|tomorrow|free|khali|available|help|madad|ji|jee|bhai|sahab|sb|sir|mr|mrs|and|not|nahi|koi|date|hall|garden|marquee|lawn|lunch|dinner|{month}|{weekday}|{relday}|کا|کی|کے|کو|نے|سے|میں|ہے|ہیں|کیا|اس|یہ|وہ|لیڈ|نوٹ|پر|اور|تک|والی|والا|والے|لیے|کر|دو|دیں|دے|بک|کنفرم|جی|بھائی|صاحب|پلیز|اسٹیٹس|سٹیٹس|ہسٹری|فالو|آج|کل|پرسوں|جواب|میسج|نئی|نیا|سب|ساری|میری|میرے|کس|کون
{nameword} = (?!(?:{stopword})(?![\p{L}\p{M}']))\p{L}[\p{L}\p{M}]*(?:'s)?
{name} = (?:(?:mr|mrs|ms|miss|janab|جناب) )?{nameword}(?: {nameword}){0,2}(?: {honorific})?

# Dropped from both ends of a name, a staff name or a lead named by name.
drop-from-names: mr | mrs | ms | miss | janab | the | bhai | bhaiya | sahab | sahib | saab | sb | ji | jee | sir | madam | sahiba | wali lead | wala lead | wali party | wala party | ki lead | ka lead | ki party | wali | wala | wale | ki | ka | ko | lead | party | جناب | صاحب | صاحبہ | بھائی | جی | والی لیڈ | والی پارٹی | والا | والی | کی لیڈ | کی | کا | کو | لیڈ | پارٹی

# ---------------------------------------------------------------- leads
synonym lead this: is lead | iss lead | ye lead | yeh lead | this lead | this one | this client | is client | iss client | is party | ye client | iska | iski | iske | isko | iss ka | is ka | is ki | is ke | اس لیڈ | یہ لیڈ | اس کلائنٹ | اسکا | اس کا | اسکی | اس کی | اسکے | اس کے | اسکو | اس کو | اس پارٹی
{lead_this} = {lead_synonyms}
{lead_num} = (?:(?:lead|leed|lid|client|party|لیڈ) ?(?:no|number|nmbr|num|نمبر)? ?#? ?|#|(?:no|number|نمبر) ?)?\d{1,6}(?: (?:number|no|nmbr|نمبر))?(?: {wali} (?:{leadword}))?
{lead_phone} = {phone}(?: (?:{wali}|{ka}) (?:{leadword}|number))?
{lead_name} = (?:the )?{name}(?: (?:{wali} |{ka} )?(?:lead|leed|party|client|لیڈ|پارٹی))?
{lead} = {lead_this}|{lead_phone}|{lead_num}|{lead_name}

# ---------------------------------------------------------------- stages
synonym stage NEW: new | naya | nayi | nai | fresh | نیا | نئی | نیو | نئے
synonym stage CONTACTED: contacted | contact | contact ho gaya | contact ho gayi | contact kar liya | baat ho gayi | baat hui | call ho gayi | رابطہ | رابطہ ہو گیا | کانٹیکٹڈ | کانٹیکٹ
synonym stage QUALIFIED: qualified | qualify | interested | serious | کوالیفائیڈ | کوالیفائی
synonym stage SITE_VISIT: site visit | site_visit | sitevisit | visit | site visit done | hall dekhne | venue dekhne | visited | سائٹ وزٹ | وزٹ
synonym stage QUOTED: quoted | quote | quotation | quotation bhej di | quote bhej di | rate de diya | rate bhej diya | rate diya | کوٹڈ | کوٹ | کوٹیشن | ریٹ دے دیا
synonym stage NEGOTIATING: negotiating | negotiation | negotiate | negotiations | bargaining | bhao tao | مول تول | نیگوشی ایشن | نیگوشیئیٹنگ
synonym stage BOOKED: booked | book | booking | book ho gaya | book ho gayi | book ho gya | confirm | confirmed | booking confirm | pakka | pakki | pakki ho gayi | pakka ho gaya | final ho gaya | بک | بکڈ | کنفرم | پکی | پکا | بک شدہ | بکنگ کنفرم
synonym stage LOST: lost | lose | cancel | cancelled | canceled | cancelled ho gaya | drop | dropped | dead | not interested | کینسل | لاسٹ | لوسٹ
{stage} = {stage_synonyms}

# ---------------------------------------------------------------- availability slots and halls
synonym slot lunch: lunch | dopahar | dopehar | dupehar | afternoon | day | din | دوپہر | لنچ | دن
synonym slot dinner: dinner | evening | night | sham | shaam | raat | rat | tonight | شام | رات | ڈنر
synonym slot full_day: full day | fullday | whole day | poora din | pura din | sara din | saara din | all day | پورا دن | سارا دن
{slot} = {slot_synonyms}
# {config_halls} is every hall name and alias of config/rabta.conf
{hall} = {config_halls}

# ---------------------------------------------------------------- payments
synonym milestone advance: advance | adv | beyana | bayana | biana | bayaana | byana | token | token money | booking amount | ایڈوانس | بیعانہ | بیانہ | ٹوکن
synonym milestone mid: mid | mid payment | middle | second | 2nd | doosri qist | dusri qist | doosri | second installment | 2nd installment | مڈ | درمیانی | دوسری قسط | دوسری
synonym milestone final: final | last | baqi | baki | remaining | balance | full and final | final installment | last installment | aakhri | akhri | آخری | فائنل | باقی
{milestone} = {milestone_synonyms}

# ---------------------------------------------------------------- staff
# {config_staff} is every staff name (full and first) of config/rabta.conf
{staff} = (?:{config_staff}|{name})(?: {honorific})?
