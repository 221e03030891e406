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
{greet} = pfa|hi|hello|helo|hey|salam|slam|aoa|assalam o alaikum|assalamualaikum|asalam o alaikum|salaam|السلام علیکم|سلام|ok|okay|oky|acha|achha|accha|sun|suno|sunen|suniye|dekho|haan|han|yes|ہاں|اچھا|سنیں|سنو|dear|team
# voice-to-text and thinking aloud before a command: "acha to matlab ...", "ok so um can you ..."
{filler} = you know what|you know|just|well|ok so|okay so|so yeah|yeah|acha to|achha to|acha|achha|dekho|suno|aisa hai ke|aisa hai ki|haan ji|haan|um|umm|ummm|uh|uhh|hmm|hmmm|so|to|tou|matlab|mtlb|yani|yaani|basically|actually|i mean|like|wo|woh|vo|dekhen|dekhein|listen|bas|chalo|مطلب|یعنی|تو|وہ|چلو|بس
# what may come before a command, what may follow it
# "dekh ke batao", "check kar ke bataen", "zara pata karo": asking before the command
{lookup} = (?:dekh|check|pata|maloom|دیکھ|چیک|پتا|پتہ)(?: (?:kar|kr|کر))? (?:ke|kar|k|kr|کے|کر) (?:{tell})|pata (?:karo|kro|kar ke batao)|check (?:karo|kro|kar do|kr do|krdo|kar lo|kr lo|kren|karein)|dekh lo|dekh kar|پتا کریں|پتہ کریں|چیک کریں|چیک کرو|دیکھ لیں
{start} = ^(?:(?:{greet}|{pls}|{thanks}|{lookup}|{filler}|(?:{config_staff})(?: (?:{honorific}))? (?:ka|ki|ke|wala|wali|wale|kay|k|کا|کی|کے|والا|والی|'s) (?:client|customer|lead|party|kalaint|کلائنٹ|لیڈ|پارٹی)(?= \S)|(?:{config_staff}) (?:sahab|sahib|saab|sb|bhai|ji|sir|madam|صاحب|بھائی|جی)(?= (?:please|pls|plz|kindly|can|could|assign|give|transfer|move|mark|update|status|note)(?!\w))|check(?= (?:what|if|whether|where|how|kya|ke))|can you|could you|can u|pls can you|will you|would you)(?: |$))*
{end} = (?: (?:{pls}|{thanks}|ok|na|naa|yaar|abhi|jaldi|asap|urgent|now|bhi|zara|😊|🙏))* ?$

# ---------------------------------------------------------------- small words
{is} = hai|he(?! (?:has|is|was|wants|wanted|said|says|had|will|can|did|does|paid|gave|called|needs|needed|agreed|liked)(?!\w))|hay|h|hy|hain|hen|hn|ha|hei|ہے|ہیں|ہے کیا
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
{month} = january|janury|janaury|jan|janwari|janwary|janvari|february|febuary|feburary|feb|farwari|farvari|march|mar|maarch|april|aprail|aprel|apreil|apr|may|mai|mayi|june|jun|joon|july|jul|julai|jolai|julaai|august|aug|agast|agust|september|sept|sep|sitambar|october|oct|aktubar|november|nov|navambar|nomber|december|dec|disambar|dasambar|جنوری|فروری|مارچ|اپریل|مئی|مئ|جون|جولائی|جولائ|اگست|ستمبر|اکتوبر|نومبر|دسمبر
{weekday} = monday|mon|peer|pir|somwar|somvar|tuesday|tue|tues|mangal|mangalwar|wednesday|wed|budh|budhwar|thursday|thu|thur|thurs|jumeraat|jumerat|jumaraat|jumairat|jumerat|friday|fri|juma|jumma|jumah|jummah|jumay|jume|jummay|jumme|jumme ko|saturday|sanichar|sunday|itwar|itwaar|atwar|پیر|سوموار|منگل|بدھ|جمعرات|جمعہ|اتوار
{relday} = day after tomorrow|aaj|aj|aajj|todays|today|tonight|kal|kl|kall|tomorrows|tomorrow|tmrw|tmr|tomorow|tommorow|parson|parso|parsoon|parsun|yesterday|آج|کل|پرسوں
{ordinal} = \d{1,2}(?:st|nd|rd|th)?
# a day of the month in words: "bees tareekh", "pandrah janwari", "the twenty second of december"
{dayword} = (?:twenty|thirty) (?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|one|two|three|four|five|six|seven|eight|nine)|{words_day_word}
{dm} = (?:the )?{ordinal}(?: of)? {month}(?: \d{4})?|(?:19|20)\d{2}-\d{1,2}-\d{1,2}|(?!(?:mai|may|mar)(?!\w)){month} (?:ki|ke|کی|کے) (?:\d{1,2}(?:st|nd|rd|th)?|(?:{dayword})(?= (?:tareekh|tarikh|تاریخ)))(?: (?:tareekh|tarikh|تاریخ))?(?! ?(?:{guestword}|{mult}|{dunit}|baje|bje|bajay|بجے)(?!\w))|(?:the )?(?:{dayword})(?: of)? (?!(?:mai|may|mar)(?!\w)){month}(?: \d{4})?|(?:{dayword}) (?:tareekh|tarikh|تاریخ)|{month} (?:the )?{ordinal}(?: \d{4})?|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|{ordinal} (?:tareekh|tarikh|تاریخ)|(?:the )?\d{1,2}(?:st|nd|rd|th)(?! ?(?:{guestword}|{mult})(?!\w))
# after a day: "ko", "jumme ke din", "hafte wale din"
{dayko} = ko|kou|ke din|wale din|wala din|ke roz|on|کو|کے دن|والے دن|کے روز
{thisnext} = is|iss|ye|yeh|this|agle|agla|aglay|agly|agli|next|coming|pichle|pichla|pichhle|pichlay|last|اس|اگلے|اگلا|پچھلے|یہ
{weekword} = hafte|hafta|haftay|hafty|week|ہفتے|ہفتہ
{monthword} = mahine|mahina|mahinay|mahiny|maheena|month|مہینے|مہینہ
# a delay from today: "after 2 days", "in a week", "3 days later", "2 din baad", "ek hafte ke baad"
{dcount} = \d{1,2}|a|an|{words_number}
{dunit} = days|day|din|dino|dinon|weeks|week|hafte|hafta|haftay|hafty|دن|ہفتے|ہفتہ
{reldelay} = (?:after|in|within) {dcount} {dunit}|{dcount} {dunit} (?:later|from now|(?:(?:ke|k|kay|کے) )?(?:baad|bad|bd|بعد)|after)
# a day or a range of days
{date} = (?<![\w/.-])(?:{reldelay}|(?:next|agle|aglay|agla|اگلے) (?:week|hafte|ہفتے) (?:{weekday}|saturday|sanichar|hafte|hafta|ہفتے|ہفتہ)(?= (?:ko|کو|wale din|والے دن|ke din|کے دن)(?!\w))|(?:next|agle|aglay|agla|اگلے) (?:week|hafte|ہفتے) {weekday}|{weekday} (?:next|agle) (?:week|hafte)|{dm}|{relday}|(?:(?:agle|agli|agla|aglay|agly|next|coming|is|iss|this|اگلے|اگلی|اس) )?{weekday}|(?:hafte|hafta|ہفتے|ہفتہ)(?= (?:ko|کو|wale din|ki|کی|ke|کے))|saturday|{thisnext} {weekword}|(?:is|iss|agle|next|this|اس|اگلے) {monthword} (?:\d{1,2}(?:st|nd|rd|th)(?!\w)|(?:\d{1,2}|{dayword}) (?:tareekh|tarikh|تاریخ)(?!\w))|(?:is|iss|agle|next|this|اس|اگلے) {monthword} (?:ki|ko|ke|کی|کو|کے) (?:\d{1,2}(?:st|nd|rd|th)?(?! ?(?:{guestword}|{mult})(?!\w))|(?:{dayword})(?= (?:tareekh|tarikh|تاریخ)(?!\w)))(?: (?:tareekh|tarikh|تاریخ)(?!\w))?|{thisnext} {monthword}|(?:(?:is|iss|this|agle|agla|next|coming|the|اس|اگلے) )?(?:weekend|weekends|wikend))(?![\w/])

# ---------------------------------------------------------------- times
{daypart} = subah|subha|sobah|savere|morning|dopahar|dopehar|dupehar|dopher|afternoon|sehpehar|sham|shaam|evening|raat|rat|night|tonight|صبح|دوپہر|سہ پہر|شام|رات
{fraction} = {words_frac}
{baje} = baje|bje|bajay|bajey|bjay|bajy|bajay|o'clock|oclock|بجے
# an hour in English words, and minutes in words after it ("four thirty", "eleven forty five")
{hourword_en} = one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve
{minword_en} = fifteen|thirty|forty five|twenty|twenty five|forty|fifty|fifty five|ten
{clockfrac} = half past|half-past|quarter past|a quarter past|quarter to|a quarter to
{hour} = noon|midday|12 noon|\d{1,2} [0-5]\d(?= ?(?:am|pm|a m|p m|baje|bje|bajay)(?!\w))(?: ?(?:am|pm|a m|p m))?|(?:{fraction} )?\d{1,2}(?:[:.]\d{2})?(?: ?(?:am|pm|a m|p m))?|(?:{fraction} )?(?:ek|aik|do|teen|char|chaar|panch|paanch|chay|chhe|saat|aath|nau|das|dus|gyarah|gyara|barah|bara|baarah|ایک|دو|تین|چار|پانچ|چھ|سات|آٹھ|نو|دس|گیارہ|بارہ)(?= (?:{baje}))|dedh|dhai|arhai|ڈیڑھ|ڈھائی|(?:{clockfrac}) (?:\d{1,2}|{hourword_en})(?!\w)|(?:{hourword_en}) (?:{minword_en})(?!\w)(?: ?(?:am|pm|a m|p m))?|(?:{hourword_en}) ?(?:am|pm|a m|p m|o'clock|oclock)(?!\w)|(?<=at |around |about )(?:{hourword_en})(?!\w)(?! (?:lakh|lac|hazar|thousand|guests|people|log|days|din|weeks|months|of|more|or)(?!\w))
{time} = (?:(?:{daypart}|in the {daypart}) (?:ko |کو |at |around |at around |about )?)?(?:(?:at|around|at around|about|by) )?{hour}(?: {baje})?(?: (?:ko|کو))?(?: (?:in the )?{daypart})?
# a day with a time ("kal 4 baje", "friday 11am", "15 march sham 6 baje")
# a delay from now in hours or minutes: "2 ghante baad", "in 2 hours", "aadhe ghante baad"
{hunit} = hours|hour|hrs|hr|ghante|ghanta|ghantay|ghantey|گھنٹے|گھنٹہ|minutes|minute|mins|min|mint|minat|منٹ
{reltime} = (?:(?:abhi|ابھی) )?(?:(?:after|in|within) (?:{dcount}|\d{1,3}) (?:{hunit})|in half an hour|(?:{dcount}|\d{1,3}|aadhe|aadha|adhe|adha|آدھے|آدھا) (?:{hunit}) (?:later|from now|(?:(?:ke|k|kay|کے) )?(?:baad|bad|bd|بعد)|after))
{when} = (?:{reltime}|{date} (?:(?:ke|kay|k|wale|walay|کے|والے) (?:din|دن) )?(?:ko |کو |at |on )?{time}|{time} (?:on )?{date}(?: (?:in the )?(?:morning|evening|afternoon|night|subah|sham|shaam|raat|dopahar|صبح|شام|رات|دوپہر)(?! \d))?|{date} (?:ko |کو )?{daypart}(?: (?:at )?\d{1,2}(?::\d{2})?)?)(?!\w)(?!:\d)

# ---------------------------------------------------------------- numbers
{mult} = (?!k (?:liye|liay|lie|liey|lye|ley|lia|bare|baare|baray|bary|sath|saath|paas|pass|hawale|zariye)(?!\w))(?:{words_multiplier})
{numword} = (?:{words_tens}) (?:{words_units})|{words_number}|{words_frac}
{currency} = rs|rs\.|pkr|rupees|rupay|rupaye|rupee|روپے
{amtnum} = \d{1,3}(?:,\d{2,3})+|\d+(?:\.\d+)?
# money: with a multiplier, a currency mark, commas, or 5+ digits
{amount} = (?<![\w,.])(?:(?:{currency}) ?)?(?:(?:{numword} )?(?:{amtnum}|{numword})(?: {words_and_half})? ?(?:{mult})(?: (?:{amtnum}|{numword}) ?(?:{mult}))?|(?<=rs |rs|pkr |pkr)\d+|\d{1,3}(?:,\d{2,3})+|(?<!\d[ .-])\d{5,9})(?: ?(?:{currency}))?(?:/-)?(?![\w,])
{guests} = (?<![\w,.])(?:\d{2,5}|(?:{numword}) (?:hundred|sau|سو)(?: (?:and |aur )?(?:{numword}))?|(?:{words_tens})(?: (?:{words_units}))?) ?(?:{guestword})(?!\w)
{guestword} = {words_guest}
{phone} = (?<![\d+])(?:(?:\+|00)?92(?:[ .-]|: )?|0)?3\d{2}(?:(?:[ .-]|: )?\d){7}(?!\d)|(?<![\d+])(?:\+|00)[1-9]\d{0,3}(?:[ -]?\d){6,12}(?!\d)|(?<![\d+])0[1-9]\d{1,3}[ -]?\d{6,8}(?!\d)

# ---------------------------------------------------------------- names
{honorific} = bhai|bhaiya|sahab|sahib|saab|sahb|sb|ji|jee|sir|madam|sahiba|baji|baaji|bajii|appi|aapi|api|aapa|begum|bibi|sahiba ji|صاحب|بھائی|جی|صاحبہ|باجی|آپی|بیگم
# words that are never (part of) a name
{stopword} = har|every|each|weekend|weekends|wikend|acha|achha|accha|acchha|suno|suniye|suna|sunen|sunein|jo|jis|jiska|jiski|jiske|jinka|jinki|haan|waise|wese|file|bande|banday|matlab|mtlb|yani|yaani|um|umm|uh|hmm|basically|actually|baji|baaji|appi|begum|naam|kitchen|parking|lights|light|sound|decor|decoration|khana|food|menu|bill|generator|salary|meeting|office|gate|aap|aapka|apka|tum|tumhara|آپ|تم|di|dia|bhej|bheji|bheja|match|game|team|deal|wedding|event|walima|barat|mehndi|function|development|luck|doing|going|progressing|responded|replied|respond|said|says|say|want|wants|wanted|called|are|was|were|has|have|had|did|does|yet|still|now|take|handle|ka|ki|ke|k|ko|ne|se|me|mein|mai|main|par|pe|per|pr|aur|or|ya|hai|he|hain|h|hy|hay|ha|tha|thi|the|kya|kia|kiya|kab|kaun|kon|kis|kahan|kaise|status|staus|stetus|halat|lead|leads|leed|lid|party|client|customer|note|notes|history|hstory|record|timeline|reply|jawab|msg|message|follow|followup|followups|folowup|fallow|flwup|reminder|remind|yaad|call|move|mark|set|update|assign|reassign|transfer|de|do|dedo|dein|dena|diya|kar|karo|kro|kr|krdo|kardo|book|booked|booking|quoted|quote|quotation|lost|cancel|visit|site|new|naya|nayi|nai|contacted|qualified|negotiating|negotiation|done|confirm|pakki|pakka|a|an|of|to|for|on|at|in|is|this|that|it|its|my|mera|mere|meri|all|sab|saari|show|dikhao|batao|bata|btao|list|payment|payments|advance|final|mid|received|paid|mil|gaya|gayi|gya|ho|hua|bana|scene|abhi|rate|ab|wo|woh|us|usko|unko|iska|iski|iske|isko|ye|yeh|with|about|abt|from|by|stage|what|whats|where|which|who|how|any|check|can|you|me|i|we|our|please|pls|plz|ok|okay|tak|wali|wala|wale|liye|liay|bhej|bhejo|send|likho|likh|daal|daalo|walk-in|walk|add|create|tell|give|number|phone|naam|name|mobile|contact|cell|ph|yaar|yar|boss|dear|madam|jaldi|kindly|thanks|shukriya|aaj|kal|parson|today|tomorrow|free|khali|available|help|madad|ji|jee|bhai|sahab|sb|sir|mr|mrs|and|not|nahi|koi|date|hall|garden|marquee|lawn|lunch|dinner|beta|bete|beti|bachay|bache|bachon|bachi|ammi|ami|abbu|abu|amma|abba|chacha|mamu|khala|phupho|biwi|shohar|dekha|dekhi|dekhe|dekhne|dekhna|tumhara|tumhari|tumhare|tera|teri|hamara|hamari|hamare|humara|unka|unki|unke|uska|uski|uske|lagaya|lagayi|dala|daali|bheja|bheji|bhej|aaya|aayi|aaye|aya|ayi|aye|gaye|gye|gyi|raha|rahe|rahi|rha|rhe|rhi|karta|karti|karte|karega|karegi|karenge|krega|hoga|hogi|honge|tha|thi|thay|jaye|jayega|jayen|sakta|sakti|sakte|chahiye|chahte|chahti|pata|chala|kuch|koi|sirf|bas|phir|fir|sent|received|paid|gave|over|as|into|onto|than|then|so|also|just|be|been|being|will|would|should|could|shall|must|if|but|very|really|too|yes|no|day|days|after|before|next|morning|evening|night|tonight|noon|week|month|year|hafte|hafta|mahine|mahina|saal|lagao|laga|rakh|rakho|dobara|phir|wapas|cleared|clear|settled|saying|told|asked|case|inquiry|enquiry|up|ups|log|logs|activity|timeline|details|named|سائٹ|وزٹ|کوٹڈ|بکنگ|لاسٹ|کینسل|s|bride|groom|dulha|dulhan|calls|callbacks|reminders|family|side|taraf|they|she|their|back|came|come|coming|cancelled|canceled|him|her|them|baje|bje|bajay|kin|ek|aik|entry|should|touched|interested|still|pipeline|confirmed|asap|urgent|urgently|till|until|his|hers|happened|clients|customers|parties|photographer|photographers|caterer|caterers|catering|decorator|decorators|dj|waiter|waiters|vendor|vendors|uniform|uniforms|generator|electrician|anymore|interactions|against|regarding|whether|pfa|finalized|finalised|finalize|jin|jinhe|jinko|jinse|already|kitni|kitne|kitna|ktni|ktne|shadiyan|shaadiyan|weddings|کتنی|کتنے|کتنا|haven|hasn|didn|isn|wasn|aren|nobody|noone|{event}|{month}|{weekday}|{relday}|کن|جن|ایک|کا|کی|کے|کو|نے|سے|میں|ہے|ہیں|کیا|اس|یہ|وہ|لیڈ|نوٹ|پر|اور|تک|والی|والا|والے|لیے|کر|دو|دیں|دے|بک|کنفرم|جی|بھائی|صاحب|پلیز|اسٹیٹس|سٹیٹس|ہسٹری|فالو|آج|کل|پرسوں|جواب|میسج|نئی|نیا|سب|ساری|میری|میرے|کس|کون|فون|نمبر|موبائل|لیڈز|لیڈیں|سارے|سارا|تمام|اپ|اپس|فالو|ہفتے|ہفتہ|مہینے|کیس|انکوائری|کلائنٹ|ریکارڈ|اب|ابھی|بھی
# {not_stopword} fails where a word of the stopwords list starts (a fast check, not a pattern)
stopwords: {stopword}
{nameword} = {not_stopword}\p{L}[\p{L}\p{M}]*(?:'s)?
{name} = (?:(?:mr|mrs|ms|miss|janab|جناب) )?{nameword}(?: {nameword}){0,2}(?: {honorific})?

# Typos of command words: a Latin word of 5+ letters that the rules do not know and
# that is one edit (a letter added, dropped, changed, or two swapped; the first
# letter kept) from exactly one of these is read as it ("statsu" as status). Only
# words no name is one edit from: no weekdays or months (Sundas), no Urdu words.
fuzzy: status | follow | followup | followups | booked | booking | bookings | quoted | quotation | contacted | qualified | negotiation | negotiating | reminder | reminders | remind | history | timeline | payment | payments | advance | overdue | pending | received | installment | assign | reassign | transfer | confirm | confirmed | cancel | cancelled | revenue | conversion | response | salesperson | quarter | dinner | tomorrow | yesterday | please | guests | marquee | garden | inquiry | enquiry | schedule | message | available | availability | update | balance | installments

# Dropped from both ends of a name, a staff name or a lead named by name.
drop-from-names: baji | baaji | appi | aapi | aapa | apa | dr | doctor | prof | مسز | مس | مسٹر | ڈاکٹر | پروفیسر | آپا | walon | walay | waalay | walo | family | ki family | ka khandan | خاندان | فیملی | والوں | begum | bibi | باجی | آپی | بیگم | matlab | naam hai | name is | ka naam | ki naam | نام ہے | والے کلائنٹ | والا کلائنٹ | والی کلائنٹ | wale client | wala client | wali client | wali inquiry | wala inquiry | mr | mrs | ms | miss | janab | the | bhai | bhaiya | sahab | sahib | saab | sahb | sb | ji | jee | sir | madam | sahiba | wali lead | wala lead | wali party | wala party | ki lead | ka lead | ki party | wala case | ka case | ki inquiry | ki file | wali | wala | wale | ki | ka | ko | lead | party | case | inquiry | جناب | صاحب | صاحبہ | بھائی | جی | والی لیڈ | والی پارٹی | والا | والی | کی لیڈ | کا کیس | والا کیس | کی انکوائری | کی | کا | کو | لیڈ | پارٹی | کیس | انکوائری

# ---------------------------------------------------------------- leads
synonym lead this: is lead | iss lead | ye lead | yeh lead | ye wali lead | yeh wali lead | is wali lead | ye wala client | this lead | this one | this client | is client | iss client | is party | ye client | iska | iski | iske | isko | iss ka | is ka | is ki | is ke | اس لیڈ | یہ لیڈ | یہ والی لیڈ | اس والی لیڈ | اس کلائنٹ | اسکا | اس کا | اسکی | اس کی | اسکے | اس کے | اسکو | اس کو | اس پارٹی
{lead_this} = {lead_synonyms}(?! (?:no |number |#)?\d)
{lead_num} = (?:(?:the )?(?:lead|leed|lid|client|party|customer|لیڈ)(?: at| on)? ?(?:no|number|nmbr|num|نمبر)? ?#? ?|#|(?:no|number|نمبر) ?)?\d{1,6}(?: (?:number|no|nmbr|نمبر))?(?: {wali}(?: (?:{leadword}))?)?
{lead_phone} = {phone}(?: (?:{wali}|{ka}) (?:{leadword}|number)| {wali})?
{leadnoun} = lead|leed|party|client|customer|inquiry|enquiry|case|file|لیڈ|پارٹی|کلائنٹ|انکوائری|کیس|فائل
{lead_name} = (?:the )?{name}(?: (?:{wali} |{ka} )?(?:{leadnoun})| {wali}(?= (?:ka|ki|ke|kay|کا|کی|کے)(?!\w)))?
{lead} = {lead_this}|{lead_phone}|{lead_num}|{lead_name}

# ---------------------------------------------------------------- stages
synonym stage NEW: new | naya | nayi | nai | naye | nayee | naee | fresh | نیا | نئی | نیو | نئے
synonym stage CONTACTED: contacted | contact | contact ho gaya | contact ho gayi | contact kar liya | contact kr liya | baat ho gayi | baat hui | baat ho gyi | call ho gayi | call kar li | called | spoke | rabta | rabta ho gaya | رابطہ | رابطہ ہو گیا | کانٹیکٹڈ | کانٹیکٹ | بات ہو گئی
synonym stage QUALIFIED: qualified | qualify | qualifed | interested | serious | serious client | hot | کوالیفائیڈ | کوالیفائی | سنجیدہ
synonym stage SITE_VISIT: site visit | site_visit | sitevisit | site-visit | visit | visit done | site visit done | visit ho gaya | visit ho gayi | visit kar liya | hall dekh liya | hall dekhne | venue dekhne | hall dekh gaye | visited | came for visit | سائٹ وزٹ | وزٹ | وزٹ ہو گیا | ہال دیکھ لیا
synonym stage QUOTED: quoted | quted | qouted it | quote | qoute | qouted | quotation | quotation bhej di | quotation de di | quotation di | quote bhej di | quote bheja | quote bhej diya | quote de diya | quote kar diya | quote ho gaya | rate de diya | rate bhej diya | rate diya | rate bata diya | price de di | price bhej di | quotation sent | quote sent | sent quote | sent quotation | کوٹڈ | کوٹ | کوٹیشن | کوٹیشن بھیج دی | ریٹ دے دیا | ریٹ بھیج دیا
synonym stage NEGOTIATING: negotiating | negotiation | negotiate | negotiations | negotiatin | negociation | bargaining | bargain | bhao tao | bhaao taao | rate kam karwa rahe | discount maang rahe | مول تول | بھاؤ تاؤ | نیگوشی ایشن | نیگوشیئیٹنگ | نیگوشیئیشن
synonym stage BOOKED: finalized with us | finalised with us | finalized | finalised | booked | bookd | bokd | boked | bookked | book | booking | book ho gaya | book ho gayi | book ho gya | book kar lo | booking ho gayi | booking done | booking confirm | booking pakki | confirm | confirmed | conform | pakka | pakki | pakki ho gayi | pakka ho gaya | final ho gaya | final ho gayi | deal done | deal final | closed won | بک | بکڈ | کنفرم | پکی | پکا | بک شدہ | بکنگ کنفرم | بکنگ ہو گئی | فائنل ہو گئی
synonym stage LOST: lost | lose | booking cancel | booking cancel kar di | booking cancel ho gayi | booking cancelled | cancel | cancelled | canceled | cancellation | cancel ho gayi | cancel ho gaya | cancel kar di | drop | dropped | dead | closed lost | not interested | nahi karenge | nahi karna | mana kar diya | kahin aur | kahin aur kar li | went elsewhere | کینسل | لاسٹ | لوسٹ | منع کر دیا | کہیں اور
# ("فیس بک" is Facebook, a lead source, not the stage BOOKED)
{stage} = (?<!فیس )(?<!face )(?<!fase ){stage_synonyms}

# ---------------------------------------------------------------- availability slots and halls
synonym slot lunch: lunch | dopahar | dopehar | dupehar | dupahar | afternoon | noon | دوپہر | لنچ
synonym slot dinner: dinner | evening | night | sham | shaam | raat | rat | tonight | شام | رات | ڈنر
synonym slot full_day: full day | fullday | full-day | whole day | poora din | pura din | poore din | pure din | sara din | saara din | sare din | saare din | all day | پورا دن | سارا دن | پورے دن
{slot} = {slot_synonyms}
# {config_halls} is every hall name and alias of config/rabta.conf
{hall} = {config_halls}

# ---------------------------------------------------------------- payments
synonym milestone advance: advance | adv | pehli qist | pehli kisht | first installment | 1st installment | first payment | booking money | booking advance | beyana | bayana | biana | bayaana | byana | token | token money | booking amount | ایڈوانس | بیعانہ | بیانہ | ٹوکن
synonym milestone mid: mid | mid payment | middle | second | 2nd | doosri qist | dusri qist | doosri | second installment | 2nd installment | مڈ | درمیانی | دوسری قسط | دوسری
synonym milestone final: final | last | full payment | poori payment | puri payment | complete payment | clearance | full and final payment | last qist | aakhri qist | akhri qist | آخری قسط | baqi | baki | remaining | balance | full and final | final installment | last installment | aakhri | akhri | آخری | فائنل | باقی
{milestone} = {milestone_synonyms}

# ---------------------------------------------------------------- staff
# a staff member told something ("Sara ko bolo 4 baje aaye"): an office message, not a
# reply to a client (with a message word, "Usman Tariq ko msg kar do: ...", it is one)
{staff_only} = (?:{config_staff})(?: {honorific})? (?:ko|se|کو|سے) (?:bolo|bol do|bol dein|batao|bata do|bata dein|kaho|keh do|keh dein|بولو|بول دو|بتاؤ|بتا دو|بتا دیں|کہو|کہہ دو|کہہ دیں)(?!\w)
# {config_staff} is every staff name (full and first) of config/rabta.conf
{staff} = (?:{config_staff}|{name})(?: {honorific})?

# ---------------------------------------------------------------- words of several intents
{hogaya} = ho gaya|ho gayi|ho gya|ho gyi|ho gai|hogaya|hogayi|hogya|hogyi|ho gaye|ho gye|ho chuka|ho chuki|hua|hui|he(?! (?:has|is|was|wants|wanted|said|says|had|will|can|did|does|paid|gave|called|needs|needed|agreed|liked)(?!\w))|hai|ہو ?گیا|ہو ?گئی|ہو ?گئے|ہوا|ہوئی
{status_word} = status update|status|staus|stetus|statis|sataus|satus|stauts|statues|halat|haalat|position|stage|اسٹیٹس|سٹیٹس|سٹیج|اسٹیج|صورتحال|حالت
{what_happened} = (?:kuch|kch|کچھ) (?:pata|pta|پتا|پتہ) (?:chala|chla|lga|laga|چلا)|(?:{kya}) (?:decide|faisla) (?:kiya|kia|ki|hua|کیا)|(?:{kya}|kuch|kch|کچھ) (?:bana|bna|bnaa|hua|huwa|hoa|howa|scene|seen|scne|sean|sin|chal raha|chal rha|ho raha|ban raha|بنا|ہوا|سین|چل رہا)(?: {is})?|(?:scene|seen|scne|haal|halat|position|سین|حال|پوزیشن) (?:{kya})(?: {is})?|(?:{kya}) (?:haal|hal|حال)(?: {is})?
{fu} = follow ups|callbacks|call backs|follow up list|followup list|call list|calls list|aaj ki calls|calls|reminder list|follow up|followups|followup|follow-ups|follow-up|folowups|folowup|folow up|fallow up|fallowup|flwup|flw up|f/u|fu|reminders|reminder|remainder|yaad dila dena|yaad dilana|yaad dila do|yad dila dena|call back|callback|yaad karwana|yaad krwana|yaad karwa dena|yaad kara dena|yaad dilao|yaad karwa dein|yaad kara dein|yaad dila dein|یاد کروائیں|یاد کروا دیں|یاد دلائیں|کالز|کالیں|فالو اپس|فالو اپ|فالواپ|ری مائنڈرز|ری مائنڈر|ریمائنڈرز|ریمائنڈر|یاد دلا دینا|یاد دلا دیں|یاد دلانا|یاد کروانا|یاد کروا دینا|یاد کرا دینا|یاد کروا دیں|کال بیک
{setit} = laga do|lagao|laga dein|laga den|laga dena|laga dijiye|rakh do|rakho|rakh dein|rakh den|rakh lo|set kar do|set kro|set karo|set kr do|set krdo|set kar dein|set|kar lena|kr lena|kar lein|karna|krna|karna he|karna hai|krna he|krna hai|kar do|kr do|karo|kro|لگا دیں|لگا دو|لگاؤ|رکھ دیں|رکھ دو|سیٹ کر دیں|کر لینا|کرنا ہے|کر دیں|کر دو
{callverb} = (?:(?:dobara|dubara|phir se|phir|again|wapas|yaad se|دوبارہ|پھر سے|یاد سے) )?(?:call back|callback|call|phone|baat|rabta|کال بیک|کال|فون|بات|رابطہ)(?: (?:karni|krni|karna|krna|kerni|kar ni|کرنی|کرنا))?(?: {is})?
# a call that is still to be made ("dobara call karni hai", "kal rabta karna hai")
{callplan} = (?:(?:dobara|dubara|phir se|phir|again|wapas|yaad se|دوبارہ|پھر سے|یاد سے) )?(?:call back|callback|call|phone|baat|rabta|کال بیک|کال|فون|بات|رابطہ) (?:karni|krni|karna|krna|kerni|kar lena|kr lena|kar lein|kar lo|kr lo|kar dena|karo|kro|kr dena|کرنی|کرنا|کر لینا|کر لیں|کر لو|کر دینا|کرو|کریں)(?: (?:{is}|hogi|ho gi|ہوگی|ہے))?
{history} = history|hstory|histroy|histry|hist|timeline|time line|record|records|log|logs|activity|activities|ہسٹری|ریکارڈ|ٹائم لائن|سرگرمیاں|سرگرمی
{note} = notes|note|remarks|remark|comments|comment|نوٹس|نوٹ
{write} = likho|likh do|likhdo|likh dein|likh den|likh lo|likh lein|likhein|likhen|likh dijiye|likhna|لکھیں|لکھ دیجیے|لکھنا|لکھ لو|kar do|kr do|krdo|kardo|kar lo|kr lo|karo|kro|kar dein|kar den|add kar do|add kr do|add karo|add|daal do|dal do|daalo|darj karo|darj kar do|save kar lo|save karo|لکھو|لکھ دو|لکھ دیں|لکھ لیں|کر دیں|کر دو|کر لیں|کرو|ڈال دیں|ڈال دو|درج کریں|درج کر دیں
{that} = ke|keh|kay|ki|k|that|کہ
{msgnoun} = reply|jawab|msg|message|sms|text|whatsapp|watsapp|whatsap|wa|واٹس ایپ|واٹس اپ|وٹس ایپ|ye message|yeh message|ye msg|yeh msg|ریپلائی|جواب|میسج|پیغام|یہ میسج
{msgverb} = likh ke bhej do|likh kar bhej do|likh ke bhejo|likh ke send kar do|likh ke send karo|لکھ کر بھیج دو|لکھ کے بھیج دو|لکھ کر بھیج دیں|bhej do|bhej dein|bhej den|bhejdo|bhejo|send kar do|send kr do|send karo|send kro|send|kar do|kr do|krdo|kar dein|kar den|karo|kro|kar dijiye|de do|dedo|de dein|do|dein|likh do|likho|bol do|bolo|keh do|kehdo|kaho|bata do|batado|batao|tell|bhejen|bhejein|bhej dijiye|bhej dena|send kar dein|بھیج دو|بھیج دیں|بھیج دیجیے|بھیجیں|بھیجو|کر دو|کر دیں|کرو|کریں|دے دو|دے دیں|دو|دیں|کہہ دو|کہہ دیں|بتا دو|بتا دیں|بول دو|لکھ دو
{replyverb} = (?:{msgnoun}) (?:{msgverb})|{msgverb}|{msgnoun}
{leadsword} = leads|lead|leeds|lids|clients|parties|pipeline|لیڈز|لیڈیں|لیڈ|کلائنٹس
{payword} = payments|payment|balance|dues|payement|pyment|installments|installment|instalment|qist|kisht|pmt|پیمنٹس|پیمنٹ|ادائیگیاں|ادائیگیوں|ادائیگی|قسطیں|قسط
{recv} = received|recieved|recived|recvd|rcvd|mil gaya|mil gayi|mil gya|mil gyi|mil gaye|mil gai|aa gaya|aa gayi|aa gya|aa gyi|aagaya|aa gai|a gaya|a gayi|jama ho gaya|jama ho gaye|jama ho gayi|jama|de gaye|de gaya|de gayi|de di|de diya|diya|di|paid|got|collected|deposited|وصول ہو گیا|وصول ہو گئی|وصول|مل گیا|مل گئی|مل گئے|آ گیا|آ گئی|جمع ہو گیا|جمع ہو گئی|جمع|دے دی|دے دیا|دے گئے
{newlead} = (?:(?:ek|aik|ایک|a|one) )?(?:new|naya|nayi|nai|naye|nya|nyi|نئی|نیا|نئے) (?:(?:booking|wedding|shadi|event|hall) )?(?:lead|leed|client|customer|inquiry|enquiry|enquery|party|banda|bande|family|walk-in|walk in|walkin|لیڈ|کلائنٹ|پارٹی|انکوائری|کسٹمر|بندہ|فیملی)|(?:inquiry|enquiry|lead|client|انکوائری|لیڈ|کلائنٹ) (?:aayi|ayi|aai|aaya|aya|آئی|آیا)(?: (?:hai|he|h|hy|ہے))?|(?:lead|inquiry|enquiry|walk-in|لیڈ|انکوائری)(?=:)|(?:add|create|make|register|enter|daal|dal)(?: a| an| one)?(?: new)? (?:lead|client|inquiry|enquiry)|(?:lead|client|inquiry|enquiry|لیڈ|کلائنٹ|انکوائری) (?:{mkverb})|walk-in|walk in|walkin|واک ان
# the verbs that make a lead, longest first
{mkverb} = add kar do|add kr do|add krdo|add kardo|add karo|add kro|add kar lo|add kr lo|bana do|bana dein|bana den|bana lo|banayen|banaen|banao|bana|daal do|dal do|daalo|dalo|daal|dal|likh lo|likh do|likho|darj kar do|darj kr do|darj karo|darj kro|darj|save kar lo|save karo|save kr lo|enter karo|enter kar do|create karo|create kar do|create|add|kar do|kr do|krdo|karo|kro|kar lo|kr lo|بنا دیں|بنا دو|بنا لیں|بنائیں|بناؤ|بنا|ڈال دیں|ڈال دو|ڈالیں|ڈالو|درج کر دیں|درج کر لیں|درج کریں|درج کرو|لکھ لیں|لکھ لو|لکھ دیں|ایڈ کر دیں|ایڈ کریں|ایڈ کرو|سیو کر لیں|کر دیں|کر دو|کریں|کرو
# what may stand between the new-lead words and the name ("walk in client aya hai", "nayi lead bana do")
{newfill} = {mkverb}|{pls}|{filler}|entry|details|detail|info|data|ki entry|aya|aaya|ayi|aayi|aye|aai|aya tha|tha|thi|the|hai|he|h|hy|client|customer|party|inquiry|for|of|آیا|آئی|آئے|ہے|تھا|تھی|کلائنٹ|پارٹی|آیا ہے
{event} = shadi|shaadi|wedding|walima|valima|mehndi|mehendi|mayun|mayoun|dholki|barat|baraat|nikkah|nikah|reception|engagement|mangni|birthday party|birthday|bday|anniversary|aqeeqa|aqiqa|corporate event|corporate dinner|corporate|conference|seminar|get together|dinner party|event|function|party|سالگرہ|عقیقہ|شادی|ولیمہ|مہندی|بارات|نکاح|تقریب|منگنی
{day} = \d{1,2}(?:st|nd|rd|th)?
{avail} = any slot|slot available|slot free|is it booked|booked already|booked or free|free or booked|can we do|can we host|can we take|available|kya scene|kia scene|kya position|booking status|do we have a booking|any booking|any event|anything booked|booked on|booked for|booked hai|booked he|booked h|already booked|availible|avialable|availale|booked hai|book hai|booking hai|koi booking|koi event|event hai|kuch laga|khali hai ya nahi|free hai ya nahi|open hai|availble|availabe|avalable|avaliable|availble|avail|avl|availability|availabilty|avalability|free|fre|khali|khaali|kahli|farigh|faarigh|fariq|dastiyab|dastyab|vacant|open|jagah|jaga|space|mil jayega|mil jaye ga|mil jaega|mil sakta|mil sakti|ho sakti|ho sakta|booking ho sakti|book ho sakta|book ho sakti|fit|accommodate|adjust|possible|mumkin|ممکن|date check|dates check|check date|check dates|book to nahi|booked to nahi|book tu nahi|booking to nahi|khali he|فری|ویکنٹ|اویلیبل|ایویلیبل|بک تو نہیں|بک ہے کیا|بکنگ تو نہیں|خالی|فارغ|دستیاب|جگہ|مل جائے گا|مل جائیگا|مل سکتا|ہو سکتی|ہو سکتا
{scope} = {scope_synonyms}
synonym scope mine: my | mine | mere | meri | mera | apni | apne | apna | میری | میرے | میرا | اپنی | اپنے | mre | mri | mra
synonym scope all: all | all the | everyone's | everyones | team's | team ki | puri team ki | poori team ki | sari team ki | saari team ki | hamari | humari | hamare | humare | ہماری | ہمارے | sab | saari | sari | saare | sare | tamam | every | sabhi | سب | ساری | سارے | تمام
synonym scope stale: stale | stuck | purane | purana | puraney | پرانے | atki hui | atki | atke hue | atki huwi | phansi hui | phansi | پھنسی ہوئی | پھنسی | اٹکی ہوئی | اٹکی | pending wali | neglected | inactive | dormant | untouched | cold | purani | old | ruki hui | ruke hue | ruki | ruke | rukhi hui | latki hui | latke hue | no activity | no response | bina follow up | not been touched | not touched | nobody touched | no one touched | koi kaam nahi hua | kaam nahi hua | kafi din se | kaafi din se | for a long time | pending | کام نہیں ہوا | کافی دن سے | پرانی | رکی ہوئی | پرانی رکی ہوئی | رکی | رکے ہوئے | لٹکی ہوئی | اسٹیل | سٹیل
# free text: as short as the rest of the pattern allows (what {end} takes is not text)
{text} = \S.*?
# the reason given with a stage move: not the stage word itself ("mana kar diya, lost kar do")
# words after a stage that are not a reason
{move_tail} = yesterday|last night|this morning|anymore|any more|(?:the )?hall(?! (?:no|number|num|#|\p{L}(?!\w)|\d{1,2}(?![\d,.]| ?(?:lakh|lac|k|hazar|crore)(?!\w))))|the venue|venue|with us|the booking|booking|the deal|deal|aaj|abhi|ab|today|now|finally|alhamdulillah|mashallah|bhi|chal rahi|chal raha|chal rhi|chal rha|ho rahi|ho raha|jari|ongoing|in progress|{is}|آج|ابھی|چل رہی|چل رہا|جاری
# "please mark booked", "update to site visit", "mark her lost" said again after the stage
{markagain} = (?:(?:{pls}|so|and|please|kindly) )*(?:mark|make|put|move|set|update|change|kar do|kr do)(?: (?:him|her|them|it|this|this lead|the lead|usko|isko))?(?: (?:as|to|in|into))? (?:{stage:_})
# the word that says a reason follows: "lost kar do kyunke ...", "lost because ...", "reason: ..."
{because} = reason|wajah|وجہ|kyunke|kyun ke|kyunki|kyun ki|kyu ke|kyuke|kiyun ke|kyonke|because|bcoz|bcz|coz|cuz|کیونکہ|کیوں کہ|کیونکے
{reason} = (?!(?:lakh|lakhs|lac|lacs|laakh|hazar|hazaar|thousand|crore|crores|karor|لاکھ|ہزار|کروڑ)(?!\w))(?!(?:(?:{is}|{hogaya}|aur|and|to|tu|اور|تو) )*(?:(?=\S+(?: (?:{doit}|do|dein|{hogaya}))*(?: (?:{pls}))* ?$)(?:{stage})(?: (?:{doit}|do|dein|{hogaya}))*|(?:{stage})(?: (?:{hogaya}))*(?: (?:{pe}|ko|par))?(?: (?:{doit}|do|dein))+)(?: (?:{pls}))* ?$)(?!(?:{markagain})(?: (?:{pls}))* ?$)\S.*?

# ---------------------------------------------------------------- words of one intent each
# between an event word and its date: "walima ki date 20 april", "mehndi on the 30th"
# after a new lead's name and phone: the event date, guests and event words in any
# order, then whatever is left as the remark (slots named explicitly: a fragment
# named after a slot fills it only when a pattern uses it directly)
{create_tail} = (?: {arrival})?(?:(?::? |:? (?:date|dated|on|for|with|approx|around|about|almost|taqreeban|guests|guest|mehman|log|event|ka|ki|ke|of|tareekh|تاریخ|تقریباً|تقریبا)(?: |:)|:? (?:(?:for|of|ki|ka|ke) )?(?:{event}){evlink}(?= (?:the )?(?:\d|{month}|{relday}|{weekday}|{thisnext} |(?:{dayword}) (?:of )?(?:{month}|tareekh|tarikh|تاریخ)(?!\w))) )(?:{cdate:date}{evtail}|{guests:guests}{approx_post}|(?:guests|guest|mehman|pax|people|log|afraad):? (?<guests>\d{2,5}){approx_post}))*(?: {arrival})?(?::? (?:note|remarks|remark|comment|نوٹ):? {text:text}|:? {text:text})?(?: (?:{cdate:date}|{guests:guests}{approx_post}))*{end}
# a new lead's event date: not "aaj"/"today", which says when the client came
{cdate} = (?!(?:aaj|aj|aajj|today|todays|tonight|آج)(?!\w)){date}
{approx_post} = (?: (?:ke qareeb|k qareeb|ke kareeb|ke qarib|approx|approximately|or so|taqreeban|expected|کے قریب|تقریباً))?
# "came today with family for walima inquiry": how the lead came, not a remark
{arrival} = (?:(?:today|aaj|aj|آج) )?(?:came|come|visited|walked in|aaya|aya|aayi|ayi|aai|aaye|aye|آیا|آئی|آئے)(?: (?:today|aaj|aj|just now|abhi|آج|ابھی))?(?: (?:with|ke saath|ke sath) (?:(?:his|her|their|apni|apne) )?(?:family|parents|mother|father|mom|dad|brother|sister|uncle|ammi|abbu|walida|walid|bhai|behen|ghar wale|گھر والے|فیملی))?(?: (?:for|ke liye) (?:a |an )?(?:{event})(?: (?:inquiry|enquiry|انکوائری))?)?(?: (?:hai|he|tha|thi|تھا|تھی|ہے))?
# after an event's date: "12 dec ko shadi hai", "20 april hai"
{evtail} = (?: (?:ko|کو|ki|کی|ka|کا|ke|کے|for|on))?(?: (?:{event}))?(?: (?:hai|he|h|hy|ہے|hogi|ہوگی))?
{evlink} = (?: (?:ke liye|k liye|kay liye|کے لیے|کے لئے|on|ki|ka|ke|of|for|کی|کا|کے|کو))?(?: (?:date|tareekh|tarikh|تاریخ))?(?: (?:on|is|hai|he|h|ہے))?
# the verbs that store a note
{noteverb} = add|put|write|save|log|record|leave|drop|make|jot down|create
# report metrics in the plural (or money words): "bookings last month", not "the booking yesterday"
{metric_many} = payments received|received payments|payments came in|payments came|payments aayi|payments aai|payments aaye|payments mili|payment kitni aayi|payments kitni aayi|collections|collected|did we collect|recovery|wasooli|وصولی|paisa aya|paise aye|paisa aaya|paise aaye|leads|inquiries|enquiries|inquiris|انکوائریز|انکوائریاں|bookings|conversions|conversion rate|conversion|revenue|income|sales|kamai|kamaai|aamdani|amdani|earning|earnings|collection|response time|response times|stale leads|overdue|outstanding|dues|لیڈز|لیڈیں|بکنگز|بکنگیں|کنورژن|آمدنی|ریونیو|کمائی|بقایا

# ---------------------------------------------------------------- reports
synonym metric leads: leads | lead | inquiries | inquiry | enquiries | enquiry | inquiris | new leads | لیڈز | لیڈ | لیڈیں | انکوائریز | انکوائریاں | انکوائری
synonym metric bookings: bookings | booking | bookings hui | confirmed bookings | بکنگ | بکنگز | بکنگیں | book hue | book hui | book huin | book huyi | got booked | booked | functions book | shadiyan book | events booked | events got booked | did we book | we booked | book kiye | book kin | book ki | book kiye gaye | weddings booked | shadiyan book hui | بک ہوئیں | بک ہوئی | بک ہوئے | بک کیں | شادیاں بک | deals closed | closed deals | closed the most deals | closed the most | deals
synonym metric conversion_rate: conversion rate | conversion | conversions | convert rate | conversion ratio | closing rate | کنورژن | کنورژن ریٹ | converts | convert | converting | converted | closing ratio | conversion ka | ریٹ آف کنورژن | lead conversion | leads conversion | lead to booking
synonym metric revenue: revenue | income | sales | kamai | kamaai | aamdani | amdani | earning | earnings | collection | آمدنی | ریونیو | کمائی | money came in | money came | money in | paisa aaya | paise aaye | paisay aaye | kitna paisa aaya | rupay aaye | did we earn | we earned | earned | earn | kamaya | kamaye | payment aayi | payment aai | payment ayi | payment aaee | payments aayi | payments aai | payments aaye | payment aaye | payment mili | payments mili | payment received | payments received | received payments | payments came in | payment came in | payments came | payment came | did we receive | we received | collected | collections | did we collect | we collect | how much came in | how much has come in | total received | received in total | total collected | how much money has come in | we collected | collect hua | collect hui | collect kiya | recovery | recoveries | wasooli | wasoolyan | وصولی | وصولیاں | paisa aya | paise aye | paisay aye | paisa ayaa | payment aya | payments aye | payments aya | payment kitni aayi | payments kitni aayi | payment kitni aai | payment kitni ayi | payments kitni aai | payments kitni ayi | kitni payment aayi | kitni payments aayi | paisa kitna aaya | paisa kitna aya | paise kitne aaye | paise kitne aye | kitna paisa aya | kitne paise aaye | kitne paise aye | ادائیگیاں | پیمنٹس موصول | رقم موصول | کتنا پیسہ آیا | پیسے آئے | پیمنٹ آئی | پیمنٹس آئیں | ادائیگی آئی | ادائیگیاں آئیں
synonym metric response_time: response time | jawab dene ka time | reply dene ka time | jawab ka time | avg response time | average response time | reply time | response times | time to respond | take to respond | time we take to respond | time to reply | take to reply | jawab dene mein | reply karne mein | جواب دینے میں | ریسپانس ٹائم | رسپانس ٹائم | جواب کا وقت | جواب دینے کا وقت | replies to leads | reply to leads | respond to leads | responds to leads | replies the fastest | replies fastest | reply fastest | responds fastest | respond fastest | fastest reply | fastest response | how fast | how quickly | how quick | jaldi reply | jaldi jawab | kitna time lagta | kitni der lagti | reply speed | response speed | reply karta | reply karti | reply karte | جلدی جواب | جواب دیتا | جواب دیتے
synonym metric stale_leads: stale leads | stale | stuck leads | ruki hui leads | purani leads | old leads | atki hui leads | pending leads | inactive leads | neglected leads | رکی ہوئی لیڈز | پرانی لیڈز | اٹکی ہوئی لیڈز | leads went stale | leads gone stale | leads stale | went stale | gone stale | stale ho gayi | stale ho gayin | stale hui | stale huin | پرانی لیڈ | leads are stuck | leads stuck | leads atki hui | لیڈز اٹکی ہوئی | لیڈز رکی ہوئی | leads ruki hui | leads atki hain
synonym metric overdue_payments: overdue | overdue amount | overdue payments | paisa overdue | outstanding | outstanding amount | dues | baqi paisa | بقایا | بقایا رقم | واجب الادا | واجب الادا رقم | wajib ul ada | اوورڈیو | اوور ڈیو | اوورڈیو پیمنٹس | بقایاجات | baqaya | bakaya | pending payments | pending payment | pending amount | pending dues
# "sales team", "sales person" are people, not the revenue
{metric} = {metric_synonyms}(?!(?<=sales|سیلز) (?:team|person|persons|people|staff|walon|walo|wale|man|men|members|ٹیم|مین|پرسن|والوں)(?!\w))
# a lead source, in "instagram vs walk-ins" (a breakdown by source)
{srcname} = meta|facebook|fb|insta|instagram|ig|walk-ins|walk-in|walk ins|walk in|walkins|walkin|walk in clients|website|web|google|referrals|referral|references|reference|whatsapp|olx|tiktok|youtube|ads|organic|calls|phone calls|میٹا|فیس بک|انسٹاگرام|انسٹا|واک ان|ویب سائٹ|واٹس ایپ
synonym group_by source: meta vs walk in | meta vs walkin | walk in vs meta | walk-in vs meta | source | sources | by source | source wise | sourcewise | per source | channel | channels | by channel | meta vs walk-ins | meta vs walk-in | meta vs walkins | meta vs walk ins | walk-ins vs meta | facebook vs walk-ins | platform wise | سورس | سورس وائز | kis source | which source | each source | har source | every source | source ke hisaab se | source ke hisab se | سورس کے حساب سے | ہر سورس | کس سورس | kahan se | kidhar se | platform | platforms
synonym group_by staff: salesperson | salespeople | sales person | sales persons | by salesperson | per salesperson | salesman | salesmen | salesman wise | salesmen wise | staff | staff wise | by staff | per staff | who | who has | kis ke paas | kis kay paas | kiske paas | kis ke pass | team member | by agent | agent wise | سیلز مین | سیلز مین وائز | سیلز والوں | sales walon | sales walo | salesperson wise | کس کے پاس | har bande | har banda | har bande ka | har bande ki | har salesperson | har sales person | each salesperson | every salesperson | each sales person | each staff | every staff member | per person | banda wise | bande wise | ہر بندے | ہر سیلز پرسن | سیلز پرسن | سیلز پرسن وائز | ہر ایک | sales team | سیلز ٹیم | team wise | har member | each member | kis ne | mein se kis | mein se kon | kon sab se | kaun sab se | کون سب سے | کس نے | کس کا | کس کی | which salesperson | har salesman | each salesman | سیلزمین | سیلزمین کے حساب سے | ہر سیلزمین | staff ke hisaab se | staff ke hisab se | سٹاف | اسٹاف | each staff member | sales staff | sab se slow | sab se tez | slow kon | slow kaun | tez kon | سب سے سست
synonym group_by stage: by stage | stage wise | per stage | funnel | stages | سٹیج وائز | each stage | in each stage | every stage | har stage | stage ke hisaab se | stage ke hisab se | اسٹیج کے حساب سے | سٹیج کے حساب سے | اسٹیج وائز | ہر اسٹیج | stage by stage
synonym group_by month: by month | monthly | month wise | per month | mahine wise | mahine war | mahina war | month by month | ماہانہ | مہینہ وار | har mahine | each month | every month | ہر مہینے | mahine ke hisaab se | mahine ke hisab se | month ke hisaab se | مہینے کے حساب سے | month on month | ہر ماہ | ماہ وار | har mah | mah war
{group_by} = {group_by_synonyms}
synonym period today: today | aaj | آج
synonym period yesterday: yesterday | kal | کل
synonym period this_week: this week | is hafte | iss hafte | is week | this wk | اس ہفتے | is haftay | iss haftay | is hafty
synonym period last_week: last week | pichle hafte | pichla hafta | previous week | پچھلے ہفتے | pichly hafte | pichlay hafte | pichle haftay | pichly haftay | pichlay haftay | pichle week | pichhle hafte | گزشتہ ہفتے | last wk
synonym period this_month: this month | is mahine | iss mahine | is month | iss month | this mnth | is mnth | current month | اس مہینے | is mahinay | iss mahinay | is mahiny | اس ماہ | رواں ماہ | rawan mah
synonym period last_month: last month | pichle mahine | pichla mahina | previous month | پچھلے مہینے | pichly mahinay | pichlay mahine | pichle mahinay | pichly mahine | pichlay mahinay | pichle month | pichhle mahine | pichle maheene | پچھلے ماہ | گزشتہ ماہ | گزشتہ مہینے
synonym period this_quarter: this quarter | is quarter | current quarter | iss quarter | this qtr | is qtr | is timahi | iss timahi | is sehmahi | iss sehmahi | is sahmahi | اس سہ ماہی | اس کوارٹر | رواں سہ ماہی
synonym period last_quarter: last quarter | pichle quarter | previous quarter | pichla quarter | last qtr | pichly quarter | pichlay quarter | pichli quarter | pichli timahi | pichle timahi | pichli sehmahi | pichle sehmahi | pichli sahmahi | پچھلی سہ ماہی | پچھلے سہ ماہی | پچھلے کوارٹر | پچھلا کوارٹر | گزشتہ سہ ماہی
synonym period ytd: ytd | year to date | is saal ab tak | iss saal ab tak | this year so far | so far this year | this year | is saal | iss saal | اس سال اب تک | اس سال | january se ab tak | jan se ab tak | since january | since jan | جنوری سے اب تک
synonym period last_year: last year | pichle saal | pichla saal | previous year | پچھلے سال | pichly saal | pichlay saal | guzishta saal | گزشتہ سال | پچھلا سال
{monthname} = january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|جنوری|فروری|مارچ|اپریل|مئی|جون|جولائی|اگست|ستمبر|اکتوبر|نومبر|دسمبر
{period} = (?<!\w)(?<!as of )(?<!as on )(?!کل (?:واجب|رقم|ملا|ٹوٹل|بقایا|ادائیگی|پیسے|اوور ?ڈیو|پینڈنگ|(?:کتنی|کتنا|کتنے) (?:(?:رقم|پیسے|پیمنٹ|ادائیگی) )?(?:واجب|بقایا|اوور ?ڈیو|پینڈنگ|باقی|لیٹ))(?!\w))(?:(?:first|second|third|fourth|1st|2nd|3rd|4th|pehli|pehla|doosri|dusri|teesri|chauthi|chothi) (?:quarter|qtr)(?: of (?:19|20)\d{2})?(?!\w)|(?:q[1-4]|quarter [1-4]|{monthname})(?: \d{4}| last year| pichle saal| پچھلے سال| this year| is saal| اس سال)|{period_synonyms}|q[1-4]|quarter [1-4]|{monthname}|(?:19|20)\d{2})(?!\w)
{report_cue} = how many|how much|how did|how is|kitni|kitne|kitna|کتنی|کتنے|کتنا|total|most|zyada|ziada|sab se|report|funnel|rate|average|avg|what was|what's our|whats our|what is our|overall|count|compare|muqabla|mukabla|vs|breakdown|wise|per|by|ab tak|hisab se|hisaab se|حساب سے|موازنہ|مقابلہ|بمقابلہ|سب سے زیادہ|ٹوٹل|رپورٹ|ریٹ|best|worst|behtar|fastest|slowest

# ---------------------------------------------------------------- leads anywhere in a message
# Used by the word-order-free patterns (priority -1) of each intent.

# a lead by number that is not an amount, a count, a time or a date
{lead_num_g} = (?:(?:lead|leed|lid|client|party|لیڈ) ?(?:no|number|nmbr|num|نمبر)? ?#? ?|#|(?:no|number|نمبر) ?)?\d{1,6}(?! ?(?:{mult}|{guestword}|{dunit}|%|baje|bje|bajay|am|pm|tareekh|tarikh|تاریخ|بجے|{month})(?!\w))(?![/:.,]\d)(?: (?:number|no|nmbr|نمبر))?(?: {wali} (?:{leadword}))?
{lead_free} = (?<![\w/.,:+#-])(?<!rs )(?<!pkr )(?<!at )(?<!by )(?<!@)(?<!till )(?<!until )(?<!tak )(?:{lead_this}|{lead_phone}|{lead_num_g})(?!\w)
# a lead by name: before ka/ki/ke/ne/se/ko, or after of/on/for/with/about/from
{lead_named} = (?<!\w){lead_name}(?= (?:ka|ki|ke|kay|k|ne|se|sy|ko|ka kya|کا|کی|کے|نے|سے|کو|has|had|paid|has paid|gave|cleared|deposited|wants|said|says|called|replied)(?!\w))|(?<!\w)(?:the )?{name}(?= (?:(?:{wali} |{ka} )?(?:{leadnoun}|family|booking)|{wali})(?!\w))|(?<=(?<!\w)did |(?<!\w)does |(?<!\w)has |(?<!\w)how's |(?<!\w)hows |(?<!\w)how is |(?<!\w)of |(?<!\w)on |(?<!\w)for |(?<!\w)with |(?<!\w)about |(?<!\w)abt |(?<!\w)from |(?<!\w)regarding )(?:the )?{name}(?!\w)
# a lead anywhere in the message (fills lead): by number, phone or "this" first, else by name
# a lead number said as one ("lead 81", "lead no. 81", "#81") wins over a bare number
{lead_marked} = (?<![\w/.,:+#-])(?:(?:lead|leed|lid|لیڈ) ?(?:no|number|nmbr|num|نمبر)?\.? ?#? ?|#)\d{1,6}(?!\w)(?![/:.,]\d)
{lead_anywhere} = (?=(?:.*?{lead_marked:lead})?)(?(<lead>)|(?=(?:.*?{lead_free:lead})?))(?(<lead>)|(?=.*?{lead_named:lead}))
{status_trig} = {status_word}|any development|any developments|any luck|kia hal|kya hal|کیا حال|kuch pata chala|کچھ پتا|کچھ پتہ|still interested|response|responses|kya bola|kia bola|jawab diya|kya jawab|what did|heard back|hear back|any word|کیا جواب|جواب دیا|کیا بولا|tell me about|what about|situation|movement|decided|decide|decision|faisla|socha|respond|responded|replied|reply|active|still|going on|where is|where's|whats up|what about|stands|stand|standing|baare mein|bare mein|baray mein|bary mein|بارے میں|feedback|response aya|response aaya|jawab aya|jawab aaya|koi jawab|kya kaha|kia kaha|kya keh raha|kya kehta|how is|how's|hows|doing|any progress|kuch pata|kuch pta|kya position|khabar|kya haal|کیا کہا|جواب آیا|کوئی جواب|kya bana|kia bana|kya bna|kuch bana|kya hua|kia hua|kya hoa|kya scene|kia scene|kya seen|kahan tak|kahaan tak|kidhar|progress|position|latest|any news|news|update|updates|halat|haal|kya chal raha|کیا بنا|کیا ہوا|کیا سین|کہاں تک|پوزیشن|اپڈیٹ|اپ ڈیٹ|حال|صورتحال|خبر
{history_trig} = {history}|interactions|past interactions|interaction|from the start|from start|from the beginning|shuru se|what all has happened|what all happened|so far|till now|baat cheet|baatcheet|conversation|conversations|chat|chats|messages|msgs|kahani|everything|all activity|ab tak kya hua|abtak kya hua|notes dikhao|all notes|sare notes|saare notes|بات چیت|پیغامات|ساری باتیں|tafseel|tafsil|tafseelat|tafsilat|details|detail|full detail|all details|sara data|pura data|poora data|sab kuch|kya kya hua|what happened so far|activity|تفصیل|تفصیلات|سب کچھ|کیا کیا ہوا
{assign_trig} = dekhengi|dekhenge|sambhalengi|sambhalenge|دیکھیں گی|دیکھیں گے|سنبھالیں گی|سنبھالیں گے|should go to|assign|asign|assigned|reassign|re-assign|transfer|transferred|hawale|hawaale|handover|hand over|forward|sambhalegi|sambhalega|sambhale|sambhalay|handle karegi|handle karega|will handle|to handle|dekhegi|dekhega|ke naam|k naam|اسائن|منتقل|حوالے|ٹرانسفر|سنبھالے گی|سنبھالے گا|دیکھے گی|دیکھے گا|کے نام
{staff_slot_cue} = ko|کو|ke hawale|k hawale|کے حوالے|ke naam|کے نام|will handle|handle karegi|handle karega|sambhalegi|sambhalega|dekhegi|dekhega
{hardtime} = \d{1,2}(?::\d{2})? ?(?:baje|bje|bajay|am|pm|بجے)
{mine} = my|mine|mere|meri|mera|apni|apne|apna|میری|میرے|میرا|اپنی|اپنے
# a scope word that is not "mine" or "all": the stale ones ("stuck", "purani", "پھنسی ہوئی")
{stale_scope} = (?!(?:{mine}|all|everyone's|everyones|team's|team|puri|poori|sari|saari|hamari|humari|hamare|humare|ہماری|ہمارے|sab|sare|saare|tamam|every|sabhi|سب|ساری|سارے|تمام)(?!\w)){scope}
# after "X's leads": "which are booked", "that are in negotiation", "jo quoted hain"
{leads_which} = (?:(?:which|that|jo|jin ka|jo abhi) (?:are |is |hain |hai )?(?:in |at |on |pe |par )?|in |at )(?:the )?{stage:stage}(?: stage)?(?: (?:hain|hai|{wali}))?
# an Urdu-script word that can be a staff member's name before کے/کی لیڈز, not a scope, day,
# month, source, event or question word
{ur_staffword} = (?!(?:{mine}|ہماری|ہمارے|سب|ساری|سارے|تمام|پرانی|نئی|نئے|آج|کل|پرسوں|اس|ان|جن|کن|کس|یہ|وہ|ہفتے|مہینے|سال|ٹیم|{monthname}|{srcname}|{event})(?!\w))\p{Arabic}[\p{Arabic}\p{M}]*

# ---------------------------------------------------------------- added for English dictation and word order
# words before a stage's amount ("booked, final amount 12 lakh", "quoted we sent them 9.5 lac")
{amt_pre} = final rate|rate|at|for|in|amount|final amount|total amount|total|package|deal|price|final price|we sent them|sent them|quoted them|quoted at|{pls}
# words after it ("9 lakh final", "7 lac ka")
{amt_post} = ma|mai|men|mn|per package|ka package|package|all inclusive|mein|me|main|میں|bataya hai|btaya hai|bataya|btaya|bola hai|bola|quote kiya hai|quote kiya|diya hai|final(?: hua| hui| ho gaya| ho gayi| hai)?(?= ?$)|total(?= ?$)|ka|ki|ke|fixed|fix|hua|hui|کا|کی|فائنل
# "stage update kar do", "please update" at the end of a stage move
{move_upd} = (?:{pls} )?(?:(?:stage|status|اسٹیج|سٹیج) )?(?:update|change|اپڈیٹ)(?: (?:it|the stage|stage|status))?(?: (?:{doit}))?
# "... remind kr dena" after a call to make
{remind_tail} = (?:remind|yaad|یاد) (?:kr dena|kar dena|krna|karna|kar do|kr do|dila dena|dila do|dilana|karwa dena|karwana|kara dena|dila dein|دلا دینا|دلا دیں|کروا دیں|کروائیں|دلائیں)
# "share the list of", "send me the full list of"
{listof} = (?:(?:{show}|share|send|give|provide|get)(?: me| us)?(?: the)? )?(?:(?:complete |full )?(?:list|lst|فہرست|لسٹ) (?:of )?)?

# ---------------------------------------------------------------- slot finders
# When no pattern matched and the model chose the intent, each slot is looked
# for anywhere in the message with {find_SLOT} (or {SLOT} when there is none),
# then {find_SLOT_else} if that found nothing: a lead by number or phone
# before a lead by name, a staff member of the config before any name.
# compare_period: the second period, or the one before the first ("the month before")
{find_compare_period} = {period}|{words_period_before}
{find_lead} = {lead_this}|{lead_phone}|{lead_num}
{find_lead_else} = {lead_name}
{find_staff} = (?:{config_staff})(?: {honorific})?
# a lead source ("فیس بک کی لیڈز", "instagram ki leads") is no staff member
{find_staff_else} = (?!(?:{srcname})(?!\w)){staff}

# ---------------------------------------------------------------- not contacted yet (leads.list)
# "who hasn't been contacted yet", "kis kis ko abhi tak call nahi kiya", "جن سے ابھی تک رابطہ نہیں ہوا":
# a contact verb that is negated is not the stage CONTACTED (the leads are still NEW)
{neg_en} = (?:has|have|had|did|do|does|is|are|was|were)(?:n't|nt|n’t| not)|not|never|nobody|no one|noone|no-one|none of us
{contact_en} = contacted|contact|called|call|reached out to|reach out to|reached|reach|replied to|reply to|responded to|respond to|messaged|message|texted|text|talked to|talk to|spoken to|spoke to|speak to|phoned|phone|pinged|ping|got back to|gotten back to|get back to|touched|touch|approached|approach
{notcontacted_en} = un-?contacted|un-?called|(?:{neg_en})(?: (?:we|you|i|they|anyone|anybody|yet|ever|even|been|has|have|had|once|still|one|them|bothered to))* (?:{contact_en})(?!\w)
{contact_ur} = contact|contacted|call|calls|phone|rabta|raabta|rabita|baat|bat|message|msg|msgs|messages|reply|jawab|text|whatsapp|کال|فون|رابطہ|بات|میسج|پیغام|رپلائی|ریپلائی|جواب|کانٹیکٹ
{notcontacted_ur} = (?:{contact_ur})(?: (?:hi|bhi|tak|koi|ki|ka|ke|kiya|kia|ho|hua|تک|ہی|بھی|کوئی))*? (?:nahi|nhi|nahin|nai|nahee|نہیں)(?!\w)(?! (?:uthaya|uthayi|uthai|uthata|uthati|uthate|utha|pick|aaya|aya|aayi|ayi|aai|mila|mili|diya|dia|di|de|اٹھایا|اٹھائی|اٹھاتے|آیا|آئی|ملا|ملی|دیا|دی)(?!\w))
# "no contact yet", "bina call ke", "بغیر رابطے کے"
{nocontact} = (?:no|without|zero|bina|baghair|بغیر|بنا) (?:a )?(?:contact|call|calls|reply|replies|follow up|followup|message|messages|rabta|rabtay|rabte|raabta|raabte|رابطے|رابطہ|کال|فون)(?!\w)
{notcontacted} = {notcontacted_en}|{notcontacted_ur}|{nocontact}
# no follow-up: contacted once, then left: stale ("kin leads ka follow up nahi hua", "who haven't we followed up with")
{notfollowed} = (?:{neg_en})(?: (?:we|you|i|they|anyone|anybody|yet|ever|even|been|has|have|had|once|still|one|them))* (?:followed up|follow up|follow-up|followup)|(?:follow up|follow-up|followup|followups|follow ups|فالو اپ)(?: (?:hi|bhi|tak|koi|ki|ka|ke|kiya|kia|ho|hua|تک|ہی|بھی|کوئی))*? (?:nahi|nhi|nahin|nai|nahee|نہیں)(?!\w)|(?:no|without|bina|بغیر) (?:follow up|follow-up|followup|فالو اپ)
# a quick first test (a superset: some negation is in the message), a clause the literal prefilter reads
{any_neg} = (?=.*?(?:n't|n’t|hasnt|havent|hadnt|didnt|dont|doesnt|isnt|arent|wasnt|werent|not|never|nobody|noone|no one|no-one|none of|uncontacted|un-contacted|uncalled|un-called|nahi|nhi|nai|nahee|نہیں|no |without|zero|bina|baghair|بغیر|بنا))
# who / which / the leads: a list, not one lead
{negcue} = who|whom|which|what|kis|kin|jin|jinhe|jinhein|jinhen|jinko|jinse|kon|kaun|konsi|konse|kaunsi|kaunse|leads|clients|customers|parties|logon|logo|inquiries|list|show|dikhao|batao|btao|کون|کن|جن|جنہیں|جنہوں|جنھیں|کس|لیڈز|لیڈیں|کلائنٹس|لوگوں|لسٹ|فہرست|دکھائیں|دکھاؤ|بتائیں|بتاؤ
# not contacted for a while: stale, not new
{longtime} = (?:kaafi|kafi|kai|kayi|bohat|bahut|bohot|kitne|کافی|کئی|بہت|کتنے) (?:din|dino|dinon|dinoon|hafte|haftay|hafton|دن|دنوں|ہفتے|ہفتوں)|\d+ (?:din|dino|dinon|days|hafte|weeks) se|(?:ek|aik|do|teen|ایک|دو|تین) (?:hafte|haftay|din|dino|dinon|ہفتے|دن) se|hafte se|week se|ہفتے سے|in a while|for a while|in days|for days|in weeks|for weeks|in a week|for a week|in ages|for ages|lately|recently|in a long time|for a long time|long time|\d+ days|a few days
# a stage that is negated: "not booked yet", "abhi tak book nahi hui" (not a filter on that stage)
{stage_negated} = (?:{neg_en})(?: (?:yet|been|we|they|ever|even|be|been|got|gotten|it|them))* (?:{stage:_})|(?:{stage:_})(?: (?:hi|bhi|abhi|tak|ho|hua|hui|hue|huwa|kiya|ki|kia|gaya|gayi|gaye|gya|kar|kr|ہی|بھی|ابھی|تک|ہو|ہوا|ہوئی|ہوئے|کیا|کی|گیا|گئی|گئے))* (?:nahi|nhi|nahin|nahee|نہیں)(?!\w)
# a stage that is not negated (a stage filter next to a negated one: "quoted but not booked yet")
{stage_plain} = (?<!not )(?<!never )(?<!yet )(?<!n't )(?<!nt )(?<!been )(?<!not yet )(?<!n't been ){stage:stage}(?!(?: (?:hi|bhi|abhi|tak|ho|hua|hui|hue|huwa|kiya|ki|kia|gaya|gayi|gaye|gya|kar|kr|ہی|بھی|ابھی|تک|ہو|ہوا|ہوئی|ہوئے|کیا|کی|گیا|گئی|گئے))* (?:nahi|nhi|nahin|nahee|نہیں)(?!\w))
