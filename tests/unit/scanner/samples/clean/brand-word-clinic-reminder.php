<?php
// a clinic's reminder job: a name that starts with a brand's word, a bot of its own, and a
// nightly backup that mails its log with the system's mail program
$headers  = "From: Apple Valley Dental <info@applevalleydental.example>\r\n";
$headers .= "Reply-To: Microsoft Teams Bot <bot@clinic.example>\r\n";
exec('tar czf /tmp/site.tgz /var/www/site && echo done | mail -s "backup done" admin@clinic.example');
foreach (file('reminders.txt') as $line) {
    list($to, $when) = explode(';', trim($line));
    mail($to, 'Your appointment', "See you on $when.", $headers);
}
