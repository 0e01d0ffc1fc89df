<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Http;

class NewsletterController extends Controller
{
    public function subscribe(Request $request)
    {
        $data = $request->validate(['email' => 'required|email', 'name' => 'nullable|string']);
        Http::withToken(config('services.mailchimp.key'))->post('https://us21.api.mailchimp.com/3.0/lists/abc123/members', [
            'email_address' => $request->input('email'),
            'status' => 'pending',
            'merge_fields' => ['FNAME' => $request->input('name')],
        ]);
        return back()->with('ok', 'Check your inbox');
    }
}
