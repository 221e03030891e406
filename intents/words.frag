# words.frag - whole-message phrases the bot's C code reads (intents_words):
# each list is matched against a whole message, any case and punctuation,
# spelled as people write them. `""` is a message with no words (an emoji).
# Edit freely; `rabta check` refuses a set without `stop` and `start`.

# a client stops or resumes automated messages (opt-out): both required
words stop: stop | band karo | bund karo | band karen | band karein | unsubscribe | بند کرو | بند کریں
words start: start | shuru karo | dobara shuru karo | subscribe | شروع کرو | شروع کریں

# a staff member's greeting (answered with a greeting) and acknowledgement (not answered)
words greeting: salam | salaam | slam | aoa | assalam o alaikum | assalamualaikum | asalam o alaikum | assalam alaikum | asalamualaikum | hi | hello | hey | good morning | gm | السلام علیکم | سلام
words ack: "" | ok | okay | okk | k | theek hai | thik hai | ji | jee | g | done | noted | shukriya | shukria | thanks | thank you | thx | ty | jazakallah | ٹھیک ہے | جی | شکریہ | اوکے

# the next page of a list the bot just sent
words more: more | next | aur | aur dikhao | aur dikhayen | mazeed | agla | agle | اور | اور دکھاؤ | مزید

# the word that names a hall in an answer: "Hall A", a hall the venue does
# not have, is said back with the venue's halls
words hall: hall | halls | ہال

# words that carry nothing in an answer to the bot's question ("Grand Hall
# raat ko" answers "which hall and when?" as well as "Grand Hall, dinner")
words filler: ko | ka | ki | ke | mein | me | main | par | pe | se | ji | jee | hai | hain | please | plz | pls | at | in | on | for | the | a | and | aur | wala | wali | والا | والی | کو | کا | کی | کے | میں | پر | سے | جی | ہے | اور
