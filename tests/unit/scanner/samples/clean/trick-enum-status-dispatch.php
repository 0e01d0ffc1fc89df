<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
enum Status: string
{
    case Active = 'active';
    case Banned = 'banned';
    public function label(): string
    {
        return match ($this) { Status::Active => 'Active', Status::Banned => 'Banned' };
    }
}
$s = Status::tryFrom($_GET['s'] ?? '') ?? Status::Active;
echo htmlspecialchars($s->label());
